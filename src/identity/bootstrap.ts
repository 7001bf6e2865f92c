// First start: the bootstrap owner from the environment, or (outside production) a demo organization.
import { openAuditChain } from '../audit/chain.ts';
import { auditedTransaction, systemActor } from '../audit/record.ts';
import type { OrgRole } from '../authz/matrix.ts';
import { systemClock, type Clock } from '../clock.ts';
import { ConfigError, type Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { hashPassword } from './passwords.ts';

export const DEMO_PASSWORD = 'demo-password-2026';

export const DEMO_PERSONAS: { email: string; displayName: string; role: OrgRole; note: string }[] = [
  { email: 'owner@demo.test', displayName: 'Olivia Owner', role: 'OWNER', note: 'decides everything, including PII changes' },
  { email: 'owner2@demo.test', displayName: 'Otto Owner', role: 'OWNER', note: 'second owner: a PII hard delete needs both owners' },
  { email: 'admin@demo.test', displayName: 'Adam Admin', role: 'ADMIN', note: 'administers members (not owners), reads the audit log' },
  { email: 'editor@demo.test', displayName: 'Eddie Editor', role: 'EDITOR', note: 'creates and edits; risky changes wait for approval' },
  { email: 'analyst@demo.test', displayName: 'Ana Analyst', role: 'VIEWER', note: 'read-only analyst' },
  { email: 'manager@demo.test', displayName: 'Manny Manager', role: 'EDITOR', note: 'manager' },
];

export interface SeedMember {
  email: string;
  displayName?: string;
  role: OrgRole;
  status?: 'INVITED' | 'ACTIVE' | 'DISABLED';
  password?: string;
  passwordHash?: string;
}

/** Creates an organization with its members and its audit chain, outside any request. */
export async function createOrganizationWith(db: Db, clock: Clock, name: string, slug: string, members: SeedMember[]) {
  const hashes = await Promise.all(members.map((m) => m.passwordHash ?? (m.password ? hashPassword(m.password, 'standard') : null)));
  // The server itself creates it: recorded without an actor.
  return auditedTransaction(systemActor(db, clock, null), async (tx, record) => {
    const organization = await tx.organization.create({ data: { name, slug } });
    await openAuditChain(tx, organization.id);
    for (const [i, m] of members.entries()) {
      const user = await tx.user.upsert({
        where: { email: m.email },
        create: { email: m.email, displayName: m.displayName ?? null, passwordHash: hashes[i] ?? null },
        update: {},
      });
      await tx.membership.create({
        data: { organizationId: organization.id, userId: user.id, role: m.role, status: m.status ?? 'ACTIVE' },
      });
    }
    await record({
      organizationId: organization.id,
      action: 'organization.bootstrap',
      targetType: 'Organization',
      targetId: organization.id,
      metadata: { name, members: members.map((m) => ({ email: m.email, role: m.role })) },
    });
    return organization;
  });
}

export const EMPTY_DATABASE = [
  'Refusing to start: the database has no organization, so nobody could ever sign in.',
  'Set BOOTSTRAP_OWNER_EMAIL, BOOTSTRAP_OWNER_PASSWORD (at least 12 characters) and BOOTSTRAP_ORG_NAME',
  'to create the first organization and its owner on this start, then keep or remove them (they are only read on an empty database).',
].join('\n');

/**
 * Runs once, on an empty database. When it creates the demo organization, it returns the demo
 * seeding that `loadDemo` loads first (before anything is written, so that a build without the
 * demo refuses an empty database instead of leaving it half seeded); otherwise null. Stamped by the real
 * clock: it runs while the app is being built, before anyone could move a test's clock.
 */
export async function bootstrap<DemoSeeding>(db: Db, config: Config, log: Logger, loadDemo: () => Promise<DemoSeeding>): Promise<DemoSeeding | null> {
  await openAuditChain(db, null);
  if ((await db.organization.count()) > 0) return null;
  if (config.BOOTSTRAP_OWNER_EMAIL && config.BOOTSTRAP_OWNER_PASSWORD && config.BOOTSTRAP_ORG_NAME) {
    const email = config.BOOTSTRAP_OWNER_EMAIL.toLowerCase();
    await createOrganizationWith(db, systemClock, config.BOOTSTRAP_ORG_NAME, 'main', [
      { email, role: 'OWNER', passwordHash: await hashPassword(config.BOOTSTRAP_OWNER_PASSWORD, config.PASSWORD_HASH_COST) },
    ]);
    log.info({ email, organization: config.BOOTSTRAP_ORG_NAME }, 'bootstrap: created the organization and its owner');
    return null;
  }
  if (!config.SEED_DEMO) {
    // An empty production database would start with nobody who could ever sign in: refuse instead.
    if (config.NODE_ENV === 'production') throw new ConfigError(EMPTY_DATABASE);
    log.warn('the database has no organization and no one can sign in: set BOOTSTRAP_OWNER_EMAIL, BOOTSTRAP_OWNER_PASSWORD and BOOTSTRAP_ORG_NAME (or SEED_DEMO=1) and restart');
    return null;
  }
  const seedDemo = await loadDemo();
  await createOrganizationWith(
    db,
    systemClock,
    'Demo Corp',
    'demo',
    await Promise.all(DEMO_PERSONAS.map(async (p) => ({ ...p, passwordHash: await hashPassword(DEMO_PASSWORD, config.PASSWORD_HASH_COST) }))),
  );
  const lines = DEMO_PERSONAS.map((p) => `  ${p.email.padEnd(20)} ${p.role.padEnd(7)} ${p.note}`).join('\n');
  log.info(`demo organization "Demo Corp" seeded. Log in with any of these, password "${DEMO_PASSWORD}":\n${lines}`);
  return seedDemo;
}
