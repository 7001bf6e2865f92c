// The governance stories of the demo seed (outside production), told through the same service
// functions and audit trail as the API: an explained denial (the analyst's access to EMEA rows) and
// a two-owner PII hard delete (a demo-configured approval policy, one of two approvals recorded).
import { encodeGlobalID } from '@pothos/plugin-relay';
import { approveRequest } from '../approvals/core.ts';
import { setApprovalPolicy } from '../approvals/quorum.ts';
import { contextFor, type Context } from '../context.ts';
import { myAccess } from '../kpis/explain.ts';
import * as records from '../pii/service.ts';
import type { Services } from '../services.ts';

async function persona(services: Services, organizationId: string, email: string): Promise<Context> {
  const user = await services.system.user.findUniqueOrThrow({ where: { email } });
  const ctx = await contextFor(services, user.id, organizationId, 'demo-seed');
  if (!ctx) throw new Error(`demo persona ${email} is not an active member of the demo organization`);
  return ctx;
}

/** Runs after the demo story (src/demo/index.ts), on its data; returns the lines it prints. */
export async function seedGovernanceStory(services: Services): Promise<string[]> {
  const { id: organizationId } = await services.system.organization.findUniqueOrThrow({ where: { slug: 'demo' } });
  const as = (email: string) => persona(services, organizationId, email);

  // Two owners for a PII hard delete: a policy the demo sets, not a default (the default is one approval).
  const owner = await as('owner@demo.test');
  await setApprovalPolicy(owner, { kind: 'PII_CHANGE', subject: 'HARD_DELETE', requiredApprovals: 2, countedRoles: ['OWNER'] });
  const lead = await services.system.lead.findFirstOrThrow({ where: { organizationId, name: 'Initech' } });
  const { pendingChange } = await records.deleteRecord(await as('admin@demo.test'), 'Lead', lead.id, 'HARD');
  if (!pendingChange) throw new Error('the demo hard delete by admin@demo.test should have opened a request');
  await approveRequest(await as('owner2@demo.test'), pendingChange.id, 'Agreed: Initech asked to be forgotten.');
  const requestId = encodeGlobalID('ApprovalRequest', pendingChange.id);

  // The explained denial: why the analyst does not see EMEA, and who would grant it.
  const revenue = await services.system.kpi.findFirstOrThrow({ where: { organizationId, key: 'revenue' } });
  const kpiId = encodeGlobalID('Kpi', revenue.id);
  const emea = (await myAccess(await as('analyst@demo.test'), revenue.id, [{ dimension: 'region', value: 'EMEA' }])).checks[0]!.decision;

  return [
    `Explained denial: as analyst@demo.test, query { myAccess(kpiId: "${kpiId}", row: [{ dimension: "region", value: "EMEA" }]) { access grants { description } checks { decision { rule reason nextStep approvers } } } }`,
    `  answers ${emea.rule}: ${emea.reason} (approvers: ${emea.approvers?.join(', ')}); admin@demo.test may ask the same with explainAccess(userId: …, kpiId: …).`,
    `Two-owner hard delete: admin@demo.test asked to delete the lead Initech for good (request ${requestId}); PII hard deletes need 2 owners here`,
    '  (setApprovalPolicy(kind: PII_CHANGE, subject: "HARD_DELETE", requiredApprovals: 2, countedRoles: [OWNER])); owner2@demo.test approved (1 of 2):',
    `  as owner@demo.test, mutation { approveRequest(id: "${requestId}") { status approvalCount approvals { approver { email } } } } completes it.`,
  ];
}
