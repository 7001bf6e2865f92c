// The checkpoint job across two instances sharing a database: each chain that moved is signed once
// per interval, chains that did not move are not signed again, and the interval's slot is claimed
// by one instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainOf, GLOBAL_CHAIN } from '../src/audit/chain.ts';
import { checkpointMovedChains } from '../src/audit/checkpoints.ts';
import { auditKeysOf } from '../src/audit/keys.ts';
import { graphql } from './gql/index.ts';
import { codes, freshDatabase, startTestServer, type TestDatabase, type TestServer } from './harness.ts';
import { orgWithRoles, until } from './fixtures.ts';
import { InviteMember, Login } from './ops.ts';
import { auditKeyMaterial } from './audit-proof-helpers.ts';

const CheckpointStatus = graphql(`
  query CheckpointStatus {
    verifyAuditChain { ok checked checkpoints signedThrough }
  }
`);

const keys = auditKeyMaterial();

async function checkpointsByChain(server: TestServer) {
  const rows = await server.db.auditCheckpoint.findMany({ orderBy: [{ chain: 'asc' }, { seq: 'asc' }] });
  const out: Record<string, number[]> = {};
  for (const r of rows) (out[r.chain] ??= []).push(r.seq);
  return out;
}

const headSeq = async (server: TestServer, chain: string) => (await server.db.auditChainHead.findUniqueOrThrow({ where: { chain } })).seq;

describe('two instances, run side by side', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    database = await freshDatabase();
    a = await startTestServer(keys.env, { database });
    b = await startTestServer(keys.env, { database });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  const runBoth = async () => {
    const [ra, rb] = await Promise.all([checkpointMovedChains(a.db, auditKeysOf(a.db), new Date()), checkpointMovedChains(b.db, auditKeysOf(b.db), new Date())]);
    return [...ra, ...rb];
  };

  it('signs each moved chain once, then nothing until a chain moves, then only that chain', async () => {
    const one = await orgWithRoles(a, 'First');
    const two = await orgWithRoles(a, 'Second');
    expect(codes(await b.gql(Login, { email: one.viewer, password: 'not-the-password' }))).toEqual(['UNAUTHENTICATED']);
    const chains = [GLOBAL_CHAIN, chainOf(one.id), chainOf(two.id)].sort();

    const first = await runBoth();
    expect(first.filter((o) => o.signed).map((o) => o.chain).sort()).toEqual(chains);
    // An instance that lost the race for a head says so without a problem.
    expect(first.filter((o) => !o.signed).map((o) => o.problem)).toEqual(first.filter((o) => !o.signed).map(() => null));
    expect(await checkpointsByChain(a)).toEqual({
      [GLOBAL_CHAIN]: [await headSeq(a, GLOBAL_CHAIN)],
      [chainOf(one.id)]: [1],
      [chainOf(two.id)]: [1],
    });

    expect(await runBoth()).toEqual([]);

    expect(codes(await a.gql(InviteMember, { email: 'moved@first.test', role: 'VIEWER' }, { as: one.owner }))).toEqual([]);
    const third = await runBoth();
    expect(third.filter((o) => o.signed)).toEqual([{ chain: chainOf(one.id), seq: 2, signed: true, problem: null }]);
    expect((await checkpointsByChain(b))[chainOf(one.id)]).toEqual([1, 2]);
    expect((await checkpointsByChain(b))[chainOf(two.id)]).toEqual([1]);
    expect((await b.gql(CheckpointStatus, undefined, { as: one.admin })).data?.verifyAuditChain).toEqual({ ok: true, checked: 2, checkpoints: 2, signedThrough: 2 });
  });
});

describe('two instances, on their interval', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    database = await freshDatabase();
    const env = { ...keys.env, AUDIT_CHECKPOINT_SECONDS: '0.2' };
    a = await startTestServer(env, { database });
    b = await startTestServer(env, { database });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  const slotsRun = () => a.db.jobOccurrence.count({ where: { job: 'audit.checkpoint' } });

  it('signs a moved chain once, and not again while it does not move', async () => {
    const o = await orgWithRoles(a, 'Ticking');
    const chain = chainOf(o.id);
    await until(async () => (await a.db.auditCheckpoint.count({ where: { chain } })) === 1);
    const slots = await slotsRun();
    await until(async () => (await slotsRun()) >= slots + 3);
    expect((await checkpointsByChain(a))[chain]).toEqual([1]);

    expect(codes(await b.gql(InviteMember, { email: 'tick@ticking.test', role: 'VIEWER' }, { as: o.owner }))).toEqual([]);
    await until(async () => (await a.db.auditCheckpoint.count({ where: { chain } })) === 2);
    const later = await slotsRun();
    await until(async () => (await slotsRun()) >= later + 3);
    expect((await checkpointsByChain(b))[chain]).toEqual([1, 2]);
    expect((await a.gql(CheckpointStatus, undefined, { as: o.admin })).data?.verifyAuditChain).toEqual({ ok: true, checked: 2, checkpoints: 2, signedThrough: 2 });
  });
});
