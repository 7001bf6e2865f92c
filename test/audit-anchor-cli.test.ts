// The audit trail anchored outside the database (AUDIT_ANCHOR_DIR), attacked by someone who can
// write the database but holds no key: the truncation (the newest events and the checkpoints that
// covered them deleted, the head reset), a removed middle checkpoint, and a chain rewritten with its
// checkpoints deleted. `npm run audit:verify` runs as a process, as an operator runs it, with the
// public key, read access to the database and the anchor directory: without the anchor the
// truncation and the rewrite pass; with it each fails, naming what is missing.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorFile } from '../src/audit/anchor.ts';
import { chainOf } from '../src/audit/chain.ts';
import { legacyEventHash } from '../src/audit/proof.ts';
import { manualClock } from '../src/clock.ts';
import { Prisma } from '../src/db/client.ts';
import { aroundTriggers, auditKeyMaterial, chainEvents, forgeFrom } from './audit-proof-helpers.ts';
import { orgWithRoles, until, type OrgFixture } from './fixtures.ts';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { InviteMember } from './ops.ts';

const run = promisify(execFile);
const keys = auditKeyMaterial();
const dir = mkdtempSync(join(tmpdir(), 'audit-anchor-'));
const anchorDir = join(dir, 'anchor');
const pem = join(dir, 'public.pem');
const clock = manualClock();
let server: TestServer;

beforeAll(async () => {
  writeFileSync(pem, keys.publicKeyPem);
  server = await startTestServer({ ...keys.env, AUDIT_ANCHOR_DIR: anchorDir, AUDIT_CHECKPOINT_SECONDS: '0.2', AUDIT_ANCHOR_RETRY_SECONDS: '0.2' }, { clock });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `npm run audit:verify` on the chain as the database holds it, as a process; resolves with its exit status and output. */
async function verify(o: OrgFixture, anchor: boolean) {
  const args = ['--import', 'tsx', 'scripts/audit-verify.ts', '--database-url', server.config.DATABASE_URL, '--organization', o.id, '--public-key', pem];
  if (anchor) args.push('--anchor', anchorDir);
  try {
    const { stdout } = await run(process.execPath, [...args], { env: { PATH: process.env.PATH ?? '' }, cwd: join(import.meta.dirname, '..') });
    return { code: 0, lines: stdout.trim().split('\n') };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, lines: e.stdout.trim().split('\n'), stderr: e.stderr };
  }
}

const headOf = async (o: OrgFixture) => server.db.auditChainHead.findUniqueOrThrow({ where: { chain: chainOf(o.id) } });

/** Moves the clock one interval on and waits for the chain's head to be signed and delivered to the anchor. */
async function anchorHead(o: OrgFixture) {
  const { seq } = await headOf(o);
  clock.advance(1000);
  await until(async () => (await server.db.auditAnchorDelivery.count({ where: { status: 'DELIVERED', checkpoint: { chain: chainOf(o.id), seq } } })) === 1);
  return server.db.auditCheckpoint.findUniqueOrThrow({ where: { chain_seq: { chain: chainOf(o.id), seq } } });
}

async function invite(o: OrgFixture, who: string) {
  expect(codes(await server.gql(InviteMember, { email: `${who}@anchored.test`, role: 'VIEWER' }, { as: o.owner }))).toEqual([]);
}

/** The attacker deletes checkpoints (their deliveries first: the outbox refers to them). */
async function deleteCheckpoints(o: OrgFixture, seqs: number[]) {
  const chain = chainOf(o.id);
  await server.db.auditAnchorDelivery.deleteMany({ where: { checkpoint: { chain, seq: { in: seqs } } } });
  await aroundTriggers(
    server,
    'AuditCheckpoint',
    seqs.map((seq) => Prisma.sql`DELETE FROM "AuditCheckpoint" WHERE "chain" = ${chain} AND "seq" = ${seq}`),
  );
}

describe('an audit trail anchored outside the database', () => {
  it('notices the truncation: newest events and their checkpoints deleted, the head reset', async () => {
    const o = await orgWithRoles(server, 'Truncated');
    const first = await anchorHead(o);
    await invite(o, 'cut-1');
    await invite(o, 'cut-2');
    const second = await anchorHead(o);
    expect(second.seq).toBe(first.seq + 2);
    expect(second).toMatchObject({ prevSeq: first.seq });
    // One file per checkpoint, named by chain and seq, holding exactly what was signed.
    const file = anchorFile(anchorDir, { chain: chainOf(o.id), seq: second.seq });
    expect(file).toBe(join(anchorDir, `org-${o.id}`, `${String(second.seq).padStart(12, '0')}.json`));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'governance-audit-checkpoint/1', seq: second.seq, signature: second.signature, prevSeq: first.seq });

    const before = await verify(o, true);
    expect(before.code).toBe(0);
    expect(before.lines.slice(-4)).toEqual([
      `anchor ${anchorDir}: 2 signed checkpoint(s), the newest at seq ${second.seq} (signed ${second.at.toISOString()})`,
      `anchored: every anchored checkpoint is in the database with its signature, events 1 to ${second.seq} are the ones it signed, and the head is not behind it`,
      `not shown: that events after seq ${second.seq} (anchored ${second.at.toISOString()}) were not removed or forged: the window until the next checkpoint is delivered`,
      'OK',
    ]);

    // The attack, around the append-only triggers: the two newest events, the checkpoint that covered them, the head put back.
    const chain = chainOf(o.id);
    const events = await chainEvents(server, o.id);
    const kept = events.find((e) => e.seq === first.seq)!;
    await aroundTriggers(server, 'AuditEvent', [Prisma.sql`DELETE FROM "AuditEvent" WHERE "chain" = ${chain} AND "seq" > ${first.seq}`]);
    await deleteCheckpoints(o, [second.seq]);
    await server.db.auditChainHead.update({ where: { chain }, data: { seq: kept.seq, hash: kept.hash } });

    // Without the anchor, what is left is a consistent, signed chain.
    const blind = await verify(o, false);
    expect(blind.code).toBe(0);
    expect(blind.lines.at(-1)).toBe('OK');

    const anchored = await verify(o, true);
    expect(anchored.code).toBe(1);
    expect(anchored.lines.filter((l) => l.startsWith('FAILED'))).toEqual([
      `FAILED (anchor): checkpoint ${second.seq} (signed ${second.at.toISOString()}) is in the anchor but not in the database: removed`,
      `FAILED (anchor): events ${first.seq + 1} to ${second.seq}, covered by anchored checkpoint ${second.seq}, are missing from the database`,
      `FAILED (anchor): the chain head is at event ${first.seq}, behind anchored checkpoint ${second.seq}: the tail was cut`,
    ]);

    // The server goes on from the reset head: the new checkpoint at the same seq never replaces the anchored one.
    await invite(o, 'after-1');
    await invite(o, 'after-2');
    clock.advance(1000);
    await until(async () => (await server.db.auditAnchorDelivery.findFirst({ where: { checkpoint: { chain, seq: second.seq } } }))?.lastError != null);
    const delivery = await server.db.auditAnchorDelivery.findFirstOrThrow({ where: { checkpoint: { chain, seq: second.seq } } });
    expect(delivery).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(delivery.lastError).toBe(`${file} already holds another checkpoint at seq ${second.seq} of ${chain}: the chain was rewritten after it was anchored (the anchor keeps the earlier one)`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ signature: second.signature });
    const replaced = await verify(o, true);
    expect(replaced.code).toBe(1);
    expect(replaced.lines.filter((l) => l.startsWith('FAILED'))).toEqual([
      `FAILED (anchor): the database's checkpoint ${second.seq} is not the one the anchor holds (another signature): it was replaced`,
      `FAILED (anchor): event ${second.seq} is not the one anchored checkpoint ${second.seq} signed (its hash differs): it was rewritten`,
    ]);
  }, 240_000);

  it('notices a removed middle checkpoint, with and without the anchor', async () => {
    const o = await orgWithRoles(server, 'Middle');
    const a = await anchorHead(o);
    await invite(o, 'mid-1');
    const b = await anchorHead(o);
    await invite(o, 'mid-2');
    const c = await anchorHead(o);
    expect([b.prevSeq, c.prevSeq]).toEqual([a.seq, b.seq]);
    await deleteCheckpoints(o, [b.seq]);
    // The next checkpoint names it: the chain of checkpoints is broken even without the anchor.
    const blind = await verify(o, false);
    expect(blind.code).toBe(1);
    expect(blind.lines.at(-1)).toMatch(new RegExp(`^FAILED at event \\S+ after ${c.seq} checked: checkpoint ${b.seq}, named by checkpoint ${c.seq} as the one before it, is missing: it was removed$`));
    const anchored = await verify(o, true);
    expect(anchored.code).toBe(1);
    expect(anchored.lines.filter((l) => l.startsWith('FAILED (anchor)'))).toEqual([
      `FAILED (anchor): checkpoint ${b.seq} (signed ${b.at.toISOString()}) is in the anchor but not in the database: removed`,
    ]);
  }, 240_000);

  it('notices a chain rewritten from its first event with every checkpoint deleted', async () => {
    const o = await orgWithRoles(server, 'Rewritten');
    const a = await anchorHead(o);
    await invite(o, 'rw-1');
    const b = await anchorHead(o);
    expect(b.seq).toBe(a.seq + 1);
    // Every event recomputed as if written before keys, relinked, the head moved: no key needed.
    await forgeFrom(server, o.id, 1, '{"forged":true}', (e) => ({ hash: legacyEventHash(e), keyId: null }));
    await deleteCheckpoints(o, [a.seq, b.seq]);
    const blind = await verify(o, false);
    expect(blind.code).toBe(0);
    expect(blind.lines).toContain('signed: no checkpoint covers any event: nothing here is vouched for by a signature');
    const anchored = await verify(o, true);
    expect(anchored.code).toBe(1);
    expect(anchored.lines.filter((l) => l.startsWith('FAILED'))).toEqual([
      `FAILED (anchor): checkpoints ${a.seq} to ${b.seq} (signed ${a.at.toISOString()}, ${b.at.toISOString()}) are in the anchor but not in the database: removed`,
      `FAILED (anchor): event ${a.seq} is not the one anchored checkpoint ${a.seq} signed (its hash differs): it was rewritten`,
    ]);
    expect(existsSync(anchorFile(anchorDir, { chain: chainOf(o.id), seq: b.seq }))).toBe(true);
  }, 240_000);
});
