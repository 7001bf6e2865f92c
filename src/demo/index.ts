// The demo story seeded with the demo organization (outside production), through the same
// service functions and audit trail as the API, acting as the demo personas.
import { contextFor, type Context } from '../context.ts';
import type { Services } from '../services.ts';
import { createDimension } from '../kpis/dimensions.ts';
import { createAlert, createKpi, recordKpiData } from '../kpis/kpis.ts';
import { assignRole, createRole, setKpiPermission } from '../kpis/grants.ts';
import { grantAccessScope, setScopeApprover } from '../kpis/scopes.ts';
import * as workflows from '../workflows/definitions.ts';
import * as records from '../pii/service.ts';
import { seedGovernanceStory } from './governance.ts';
import { seedAccessReviewStory } from './reviews.ts';

async function actingAs(services: Services, email: string): Promise<Context> {
  const { system } = services;
  const user = await system.user.findUniqueOrThrow({ where: { email } });
  const organization = await system.organization.findUniqueOrThrow({ where: { slug: 'demo' } });
  const ctx = await contextFor(services, user.id, organization.id, 'demo-seed');
  if (!ctx) throw new Error(`demo persona ${email} is not an active member of the demo organization`);
  return ctx;
}

const REGIONS = ['US', 'EMEA', 'APAC', 'LATAM'];
const PRODUCTS = ['Core', 'Cloud', 'Support'];

/** KPIs: an analyst restricted to US, a manager who sees EMEA and approves EMEA requests. */
export async function seedDemoStory(services: Services) {
  const admin = await actingAs(services, 'admin@demo.test');
  const userId = async (email: string) => (await services.system.user.findUniqueOrThrow({ where: { email } })).id;
  await createDimension(admin, 'region', 'Region', REGIONS);
  await createDimension(admin, 'product', 'Product', PRODUCTS);
  const revenue = await createKpi(admin, { key: 'revenue', name: 'Monthly revenue', unit: 'USD', target: 120_000, dimensionKeys: ['region', 'product'] });
  const points = REGIONS.flatMap((region, r) =>
    PRODUCTS.flatMap((product, p) =>
      Array.from({ length: 6 }, (_, month) => ({
        period: new Date(Date.UTC(2026, month, 1)),
        value: 20_000 + 9_000 * r + 4_000 * p + 1_500 * month,
        dimensions: [{ dimension: 'region', value: region }, { dimension: 'product', value: product }],
      })),
    ),
  );
  await recordKpiData(admin, revenue.id, points);
  await createAlert(admin, revenue.id, 'LT', 22_000);
  const analysts = await createRole(admin, 'Regional analysts', 'Revenue, restricted to their regions', null);
  await setKpiPermission(admin, analysts.id, revenue.id, 'RESTRICTED');
  const analyst = await userId('analyst@demo.test');
  await assignRole(admin, analysts.id, analyst, true);
  await grantAccessScope(admin, analyst, 'region', 'US');
  await grantAccessScope(admin, analyst, 'product', '*');
  await setScopeApprover(admin, 'region', 'EMEA', await userId('manager@demo.test'));
  // The manager sees revenue for the region they approve requests for: the dashboard's other persona.
  const managers = await createRole(admin, 'Regional managers', 'Revenue, restricted to the region they manage', null);
  await setKpiPermission(admin, managers.id, revenue.id, 'RESTRICTED');
  const manager = await userId('manager@demo.test');
  await assignRole(admin, managers.id, manager, true);
  await grantAccessScope(admin, manager, 'region', 'EMEA');
  await grantAccessScope(admin, manager, 'product', '*');

  // Workflows: the editor owns revenue's target through a role, and proposes a risky workflow.
  const planners = await createRole(admin, 'Revenue planners', 'FULL on revenue', null);
  await setKpiPermission(admin, planners.id, revenue.id, 'FULL');
  await assignRole(admin, planners.id, await userId('editor@demo.test'), true);
  const editor = await actingAs(services, 'editor@demo.test');
  await workflows.createWorkflow(editor, { name: 'Weekly revenue digest', actions: [{ kind: 'SNAPSHOT_KPI', config: { kpiKey: 'revenue' } }, { kind: 'NOTIFY', config: { message: 'Revenue digest is ready' } }] });
  await workflows.createWorkflow(editor, { name: 'Raise the revenue target', actions: [{ kind: 'SET_KPI_TARGET', config: { kpiKey: 'revenue', target: 150_000 } }] });

  // PII: customers and leads, and an admin's pending email change for the owner.
  const editorCtx = await actingAs(services, 'editor@demo.test');
  const acme = await records.createRecord(editorCtx, 'Customer', { name: 'Acme Industries', company: 'Acme', email: 'jane.buyer@acme.example', phone: '+1 555 0100 42' });
  await records.createRecord(editorCtx, 'Customer', { name: 'Globex', company: 'Globex Corp', email: 'hank@globex.example', phone: '+44 20 7946 0018' });
  await records.createRecord(editorCtx, 'Lead', { name: 'Initech', source: 'trade fair', email: 'peter@initech.example', phone: '+1 555 0199 07' });
  await records.updateRecord(admin, 'Customer', acme.id, { email: 'procurement@acme.example' });
  return [
    'PII story: analyst@demo.test sees masked emails (j***@acme.example); admin@demo.test asked to change Acme\'s email:',
    '  owner@demo.test sees the proposed value in approvalRequests(kind: PII_CHANGE) and approves it.',
    'KPI story: analyst@demo.test sees revenue for US only; as analyst, run',
    '  mutation { requestAccess(dimension: "region", value: "EMEA", justification: "Q3 review") { id status } }',
    'then as manager@demo.test (delegated EMEA approver) approveRequest(id: …), and the analyst sees EMEA too.',
    'Workflow story: "Raise the revenue target" (by editor@demo.test) is PENDING; runWorkflow fails with APPROVAL_REQUIRED',
    'until owner@demo.test or admin@demo.test approves its WORKFLOW request in approvalRequests. "Weekly revenue digest" runs at once.',
    ...(await seedGovernanceStory(services)),
    ...(await seedAccessReviewStory(services)),
  ];
}
