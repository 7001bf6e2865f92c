// The peer harness's dataset (../shared/bench/postgraphile, copied to a scratch folder) loaded into
// our schema: its users become VIEWER members holding one custom role with RESTRICTED on every
// KPI, its access scopes (windows included) become ours, its KPI rows become data points with
// d1 = region and d2 = product. Point ids are the harness's ids zero-padded, so "newest first,
// ties by id" orders rows exactly as its oracle does. Also an OWNER, and two users with one scope
// per dimension and with 1,000 scopes, for the ratios. The KPI rollups are rebuilt after the bulk
// insert (rebuildRollups), as recordKpiData maintains them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditKeysFrom, useAuditKeys } from '../src/audit/keys.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase, providerOf } from '../src/db/client.ts';
import { rebuildRollups } from '../src/db/sql/kpi-rollups.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { systemClock } from '../src/clock.ts';
import { createOrganizationWith } from '../src/identity/bootstrap.ts';
import { insertPoints } from './points.ts';

/** Parses the harness's CSV (no quoting is needed by its data: ids, names, dates, numbers). */
function csv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const keys = header!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(keys.map((k, i) => [k, cells[i] ?? '']));
  });
}

export const pointId = (harnessId: string) => harnessId.padStart(9, '0');
export const peerEmail = (harnessUser: string) => `${harnessUser}@peer.test`;
export const PEER_OWNER = 'owner@peer.test';
export const PEER_ONE_SCOPE = 'one-scope@peer.test';
export const PEER_MANY_SCOPES = 'many-scopes@peer.test';
/** Product values beyond the data's, so one user can hold 1,000 distinct scopes. */
const EXTRA_PRODUCTS = Array.from({ length: 998 }, (_, i) => `X${i}`);

/**
 * Loads the data unless `url` already holds it (the organization and as many points as the
 * harness generated: PEER_RELOAD=1 reloads anyway, after dropping the database).
 */
export async function loadPeerData(url: string, dataDir: string): Promise<{ points: number; reused: boolean }> {
  await migrateDatabase(url);
  const db = openDatabase(url);
  // The organization's first audit event is signed with development keys: the data is a throwaway.
  useAuditKeys(db, auditKeysFrom(loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, JWT_SECRET: 'bench-secret-bench-secret-bench-secret-01' })));
  try {
    const meta = JSON.parse(readFileSync(join(dataDir, 'meta.json'), 'utf8')) as { regions: string[]; products: string[]; rows: number };
    const existing = await db.organization.findUnique({ where: { slug: 'peer' } });
    if (existing && (await db.kpiDataPoint.count({ where: { organizationId: existing.id } })) === meta.rows) {
      // Loaded by a loader that did not keep rollups: rebuild them once.
      if (!(await db.kpiRollup.count({ where: { organizationId: existing.id } })))
        for (const k of await db.kpi.findMany({ where: { organizationId: existing.id }, select: { id: true } })) await rebuildRollups(db, existing.id, providerOf(url), k.id);
      return { points: meta.rows, reused: true };
    }
    const users = csv(join(dataDir, 'users.csv'));
    const members = [
      { email: PEER_OWNER, role: 'OWNER' as const, passwordHash: 'x' },
      { email: PEER_ONE_SCOPE, role: 'VIEWER' as const, passwordHash: 'x' },
      { email: PEER_MANY_SCOPES, role: 'VIEWER' as const, passwordHash: 'x' },
      ...users.map((u) => ({ email: peerEmail(u.id!), displayName: u.name, role: 'VIEWER' as const, passwordHash: 'x' })),
    ];
    // The organization with its owner, then the members in two statements: one transaction of
    // 100 round trips outlives Prisma's 5 s transaction timeout on a busy machine.
    const org = await createOrganizationWith(db, systemClock, 'Peer', 'peer', members.slice(0, 1));
    const organizationId = org.id;
    await db.user.createMany({ data: members.slice(1).map((m) => ({ email: m.email, displayName: 'displayName' in m ? m.displayName : null, passwordHash: m.passwordHash })) });
    const created = await db.user.findMany({ where: { email: { in: members.slice(1).map((m) => m.email) } }, select: { id: true, email: true } });
    const roleOf = new Map(members.map((m) => [m.email, m.role]));
    await db.membership.createMany({ data: created.map((u) => ({ organizationId, userId: u.id, role: roleOf.get(u.email)!, status: 'ACTIVE' as const })) });
    const ids = new Map((await db.user.findMany({ where: { email: { endsWith: '@peer.test' } }, select: { id: true, email: true } })).map((u) => [u.email, u.id]));
    const owner = ids.get(PEER_OWNER)!;
    await db.dimension.create({ data: { organizationId, key: 'region', name: 'Region', values: JSON.stringify(meta.regions) } });
    await db.dimension.create({ data: { organizationId, key: 'product', name: 'Product', values: JSON.stringify([...meta.products, ...EXTRA_PRODUCTS]) } });
    const kpis = csv(join(dataDir, 'kpis.csv'));
    for (const k of kpis)
      await db.kpi.create({ data: { id: k.id!, organizationId, key: k.id!, name: k.name!, dimensionKeys: JSON.stringify(['region', 'product']), createdById: owner } });
    const role = await db.customRole.create({ data: { organizationId, name: 'Analysts' } });
    await db.kpiPermission.createMany({ data: kpis.map((k) => ({ organizationId, roleId: role.id, kpiId: k.id!, access: 'RESTRICTED' })) });
    await db.roleAssignment.createMany({ data: [...ids].filter(([email]) => email !== PEER_OWNER).map(([, userId]) => ({ organizationId, roleId: role.id, userId })) });
    const at = (v: string | undefined) => (v ? new Date(v) : null);
    const scopes = csv(join(dataDir, 'access_scopes.csv')).map((s) => ({
      organizationId,
      userId: ids.get(peerEmail(s.user_id!))!,
      dimensionKey: s.dimension!,
      value: s.value!,
      startsAt: at(s.starts_at),
      endsAt: at(s.ends_at),
    }));
    const one = ids.get(PEER_ONE_SCOPE)!;
    const many = ids.get(PEER_MANY_SCOPES)!;
    scopes.push(
      { organizationId, userId: one, dimensionKey: 'region', value: 'US', startsAt: null, endsAt: null },
      { organizationId, userId: one, dimensionKey: 'product', value: 'P1', startsAt: null, endsAt: null },
      { organizationId, userId: many, dimensionKey: 'region', value: 'US', startsAt: null, endsAt: null },
      { organizationId, userId: many, dimensionKey: 'product', value: 'P1', startsAt: null, endsAt: null },
      ...EXTRA_PRODUCTS.map((value) => ({ organizationId, userId: many, dimensionKey: 'product', value, startsAt: null, endsAt: null })),
    );
    await db.accessScope.createMany({ data: scopes });
    const rows = csv(join(dataDir, 'kpi_data.csv'));
    await insertPoints(
      url,
      rows.map((r) => ({ id: pointId(r.id!), organizationId, kpiId: r.kpi_id!, period: new Date(`${r.day}T00:00:00Z`), value: Number(r.value), d1: r.region!, d2: r.product! })),
    );
    // Inserted around the API: their rollups (what `series` reads) recomputed from the rows.
    for (const k of kpis) await rebuildRollups(db, organizationId, providerOf(url), k.id!);
    // PostgreSQL as the harness leaves its own tables (analysed); SQLite as our server leaves a file (never analysed).
    if (providerOf(url) === 'postgresql') await db.$executeRawUnsafe('ANALYZE');
    return { points: rows.length, reused: false };
  } finally {
    await db.$disconnect();
  }
}

