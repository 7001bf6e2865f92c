// Shared fixtures: organizations with one member per role, and lookups through the API.
import { randomBytes } from 'node:crypto';
import type { OrgRole } from '../src/authz/matrix.ts';
import { AssignRole, CreateDimension, CreateKpi, CreateRole, GrantAccessScope, Members, SetKpiPermission } from './ops.ts';
import type { TestServer } from './harness.ts';

export interface OrgFixture {
  id: string;
  /** Emails by role; `extra` members are added by name. */
  owner: string;
  admin: string;
  editor: string;
  viewer: string;
  emails: Record<string, string>;
}

/** An organization with an OWNER, ADMIN, EDITOR and VIEWER, plus named extras, all ACTIVE. */
export async function orgWithRoles(server: TestServer, name: string, extras: Record<string, OrgRole> = {}): Promise<OrgFixture> {
  const tag = randomBytes(3).toString('hex');
  const email = (who: string) => `${who}.${tag}@${name.toLowerCase()}.test`;
  const emails: Record<string, string> = {};
  const members = (Object.entries({ owner: 'OWNER', admin: 'ADMIN', editor: 'EDITOR', viewer: 'VIEWER', ...extras }) as [string, OrgRole][]).map(
    ([who, role]) => {
      emails[who] = email(who);
      return { email: email(who), role, displayName: `${who} of ${name}` };
    },
  );
  const org = await server.seedOrg(name, members);
  return { id: org.id, owner: emails.owner!, admin: emails.admin!, editor: emails.editor!, viewer: emails.viewer!, emails };
}

/** The User global id of a member, as the API reports it. */
export async function userIdOf(server: TestServer, asEmail: string, email: string): Promise<string> {
  const r = await server.gql(Members, { first: 100 }, { as: asEmail });
  const node = r.data?.members?.edges?.find((e) => e?.node?.user?.email === email)?.node;
  if (!node?.user?.id) throw new Error(`no member ${email} visible to ${asEmail}: ${JSON.stringify(r.errors)}`);
  return node.user.id;
}

/** The database id inside a global id (`Type:id`, base64), for comparing with audit targets. */
/** The result, when it has no errors; throws them otherwise (setup steps and property tests, where any error is a failure). */
export const succeeded = <T extends { errors?: unknown }>(r: T): T => {
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r;
};

/** Creates the dimensions (key: values) and then the KPIs, as `as`; the KPIs' global ids, in order. */
export async function dimensionsAndKpis(
  server: TestServer,
  as: { as: string },
  dimensions: Record<string, readonly string[]>,
  kpis: readonly { key: string; dims: readonly string[] }[],
): Promise<string[]> {
  for (const [key, values] of Object.entries(dimensions)) succeeded(await server.gql(CreateDimension, { key, name: key, values: [...values] }, as));
  const ids: string[] = [];
  for (const k of kpis) ids.push(succeeded(await server.gql(CreateKpi, { input: { key: k.key, name: k.key, dimensionKeys: [...k.dims] } }, as)).data!.createKpi!.id);
  return ids;
}

export const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

/** Polls `check` until it holds, for effects of background work (sweeps, schedules). */
export async function until(check: () => Promise<boolean>, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    // Short: the effects waited for are a few statements away.
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Makes `member` an analyst RESTRICTED on `kpiId` (through a role `Analysts`, created and assigned
 * by `admin`) holding the given scopes, `[dimension, value]`; returns the member's User id.
 */
export async function restrictedAnalyst(server: TestServer, org: OrgFixture, admin: string, kpiId: string, member: string, scopes: readonly (readonly [string, string])[]): Promise<string> {
  const as = { as: admin };
  const role = (await server.gql(CreateRole, { name: 'Analysts' }, as)).data!.createRole!.id;
  await server.gql(SetKpiPermission, { roleId: role, kpiId, access: 'RESTRICTED' }, as);
  const userId = await userIdOf(server, org.owner, member);
  await server.gql(AssignRole, { roleId: role, userId }, as);
  for (const [dimension, value] of scopes) await server.gql(GrantAccessScope, { userId, dimension, value }, as);
  return userId;
}
