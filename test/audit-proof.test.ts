// An audit trail you can prove: events hashed with the audit key (HMAC) held outside the database,
// signed checkpoints, and exports verified offline with only the public key. The attacker here
// can write the database (around the append-only triggers) but holds neither key.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainedEvent, chainOf } from '../src/audit/chain.ts';
import { checkpointChain } from '../src/audit/checkpoints.ts';
import { auditKeysOf } from '../src/audit/keys.ts';
import { eventKey, GENESIS, keyedEventHash, legacyEventHash, nextDigest, publicKeyId, signCheckpoint, trustedKeys, type Checkpoint } from '../src/audit/proof.ts';
import { checkpointsOf, describeVerification, verifyExport } from '../src/audit/verify-export.ts';
import { openAuditChain } from '../src/audit/chain.ts';
import { Prisma } from '../src/db/client.ts';
import { graphql } from './gql/index.ts';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';
import { InviteMember, Login } from './ops.ts';
import { appendUnkeyed, aroundTriggers, auditKeyMaterial, chainEvents, exportText, forgeFrom, globalIdOf } from './audit-proof-helpers.ts';

const AuditProofStatus = graphql(`
  query AuditProofStatus {
    verifyAuditChain { ok checked brokenAt problem keyedEvents legacyEvents checkpoints signedThrough lastCheckpointAt }
  }
`);

const AuditProofEvents = graphql(`
  query AuditProofEvents($first: Int) {
    auditEvents(first: $first) { edges { node { sequence keyId hash } } }
  }
`);

const keys = auditKeyMaterial();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(keys.env);
});
afterAll(() => server?.close());

async function invite(o: OrgFixture, n: number, tag: string) {
  for (let i = 0; i < n; i++) expect(codes(await server.gql(InviteMember, { email: `${tag}${i}@proof.test`, role: 'VIEWER' }, { as: o.owner }))).toEqual([]);
}

const status = async (o: OrgFixture) => (await server.gql(AuditProofStatus, undefined, { as: o.admin })).data!.verifyAuditChain!;

describe('a keyed chain', () => {
  it('hashes every event with the audit key (HMAC-SHA256) and records only the key’s id', async () => {
    const o = await orgWithRoles(server, 'Keyed');
    await invite(o, 3, 'k');
    const events = await chainEvents(server, o.id);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    for (const e of events) {
      expect(e.keyId).toBe(keys.eventKey.id);
      expect(e.hash).toBe(keyedEventHash(chainedEvent(e), keys.eventKey));
      expect(e.hash).not.toBe(legacyEventHash(chainedEvent(e)));
    }
    // Neither key reaches the database.
    const rows = JSON.stringify([await server.db.auditEvent.findMany(), await server.db.auditCheckpoint.findMany(), await server.db.auditChainHead.findMany()]);
    expect(rows).not.toContain(keys.env.AUDIT_KEY);
    expect(rows).not.toContain('PRIVATE KEY');

    const listed = await server.gql(AuditProofEvents, { first: 10 }, { as: o.owner });
    expect(listed.data!.auditEvents!.edges!.map((e) => e!.node!.keyId)).toEqual([keys.eventKey.id, keys.eventKey.id, keys.eventKey.id, keys.eventKey.id]);
    expect(await status(o)).toEqual({
      ok: true,
      checked: 4,
      brokenAt: null,
      problem: null,
      keyedEvents: 4,
      legacyEvents: 0,
      checkpoints: 0,
      signedThrough: 0,
      lastCheckpointAt: null,
    });
  });

  it('verifies events written before keys as plain SHA-256, and refuses an unkeyed event after keyed ones', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const org = await server.db.organization.create({ data: { name: 'Legacy', slug: `legacy-${tag}` } });
    await openAuditChain(server.db, org.id);
    const owner = `owner.${tag}@legacy.test`;
    const admin = `admin.${tag}@legacy.test`;
    for (const [email, role] of [[owner, 'OWNER'], [admin, 'ADMIN']] as const) {
      const user = await server.db.user.create({ data: { email } });
      await server.db.membership.create({ data: { organizationId: org.id, userId: user.id, role, status: 'ACTIVE' } });
    }
    for (let i = 0; i < 3; i++) await appendUnkeyed(server, org.id, 'legacy.event');
    const o = { id: org.id, owner, admin } as OrgFixture;
    await invite(o, 2, 'l');
    const events = await chainEvents(server, org.id);
    expect(events.map((e) => e.keyId)).toEqual([null, null, null, keys.eventKey.id, keys.eventKey.id]);
    expect(await status(o)).toMatchObject({ ok: true, checked: 5, keyedEvents: 2, legacyEvents: 3, problem: null });

    // Someone without the key appends an event the old way, correctly linked: a downgrade.
    const forged = await appendUnkeyed(server, org.id, 'member.role.update');
    expect(await status(o)).toMatchObject({
      ok: false,
      checked: 6,
      brokenAt: globalIdOf('AuditEvent', forged.id),
      problem: 'event 6 has no audit key after keyed events: it was not written by the server',
    });
  });
});

describe('tampering', () => {
  it('detects a changed event through the API and offline, with or without the audit key', async () => {
    const o = await orgWithRoles(server, 'Tamper');
    await invite(o, 4, 't');
    const signed = await checkpointChain(server.db, auditKeysOf(server.db), chainOf(o.id), new Date());
    expect(signed).toEqual({ chain: chainOf(o.id), seq: 5, signed: true, problem: null });
    expect(await status(o)).toMatchObject({ ok: true, checkpoints: 1, signedThrough: 5 });
    const clean = await exportText(server, o.id);
    expect(verifyExport(clean, keys.trusted, null)).toMatchObject({ ok: true, report: { signedThrough: 5, lastSeq: 5, unrecomputed: 5 } });

    const victim = (await chainEvents(server, o.id))[2]!;
    await aroundTriggers(server, 'AuditEvent', [Prisma.sql`UPDATE "AuditEvent" SET "metadata" = ${'{"email":"x@proof.test","role":"OWNER"}'} WHERE "id" = ${victim.id}`]);
    expect(await status(o)).toMatchObject({
      ok: false,
      checked: 3,
      brokenAt: globalIdOf('AuditEvent', victim.id),
      problem: "event 3's hash does not match its content under the audit key",
    });
    const tampered = await exportText(server, o.id);
    // Without the audit key: the links still hold, but the signed digest of events 1..5 does not.
    expect(verifyExport(tampered, keys.trusted, null)).toMatchObject({
      ok: false,
      report: { brokenAt: (await chainEvents(server, o.id))[4]!.id, problem: 'the events up to seq 5 differ from the ones its checkpoint signed (digest mismatch)' },
    });
    // With it: the changed event itself.
    const withKey = (id: string) => (id === keys.eventKey.id ? keys.eventKey : undefined);
    expect(verifyExport(tampered, keys.trusted, withKey)).toMatchObject({
      ok: false,
      report: { brokenAt: victim.id, checked: 3, problem: "event 3's hash does not match its content under the audit key" },
    });
    // A later checkpoint continues the signed digest, not the changed rows: it launders nothing.
    await invite(o, 1, 'after');
    expect(await checkpointChain(server.db, auditKeysOf(server.db), chainOf(o.id), new Date())).toEqual({ chain: chainOf(o.id), seq: 6, signed: true, problem: null });
    expect(verifyExport(await exportText(server, o.id), keys.trusted, null)).toMatchObject({
      ok: false,
      report: { checked: 5, problem: 'the events up to seq 5 differ from the ones its checkpoint signed (digest mismatch)' },
    });
    expect(await status(o)).toMatchObject({ ok: false, brokenAt: globalIdOf('AuditEvent', victim.id) });
  });

  it('fails a chain forged without the key: recomputed as plain SHA-256, or with another HMAC key', async () => {
    const o = await orgWithRoles(server, 'Forged');
    await invite(o, 4, 'f');
    await checkpointChain(server.db, auditKeysOf(server.db), chainOf(o.id), new Date());
    const withKey = (id: string) => (id === keys.eventKey.id ? keys.eventKey : undefined);

    // From event 2 on, as the writer before keys did: every link and the head agree again.
    await forgeFrom(server, o.id, 2, '{"email":"forged@proof.test","role":"ADMIN"}', (e) => ({ hash: legacyEventHash(e), keyId: null }));
    expect(await status(o)).toMatchObject({ ok: false, checked: 2, problem: 'event 2 has no audit key after keyed events: it was not written by the server' });
    for (const held of [null, withKey]) expect(verifyExport(await exportText(server, o.id), keys.trusted, held).ok).toBe(false);

    // From event 1 on, the whole chain as "legacy": only the signed checkpoint catches it.
    const asLegacy = await forgeFrom(server, o.id, 1, '{"forged":true}', (e) => ({ hash: legacyEventHash(e), keyId: null }));
    const checkpoint = await server.db.auditCheckpoint.findFirstOrThrow({ where: { chain: chainOf(o.id) } });
    const mismatch = `the checkpoint at seq 5 signed hash ${checkpoint.hash.slice(0, 16)}…, but the event there has ${asLegacy.at(-1)!.hash.slice(0, 16)}…`;
    expect(await status(o)).toMatchObject({ ok: false, checked: 5, legacyEvents: 5, problem: mismatch });
    expect(verifyExport(await exportText(server, o.id), keys.trusted, null)).toMatchObject({ ok: false, report: { checked: 5, problem: mismatch } });

    // With an HMAC key of the attacker's, naming the server's key id.
    const attacker = eventKey('attacker-key-attacker-key-attacker-key-0000');
    await forgeFrom(server, o.id, 1, '{"forged":2}', (e) => ({ hash: keyedEventHash(e, { ...attacker, id: keys.eventKey.id }), keyId: keys.eventKey.id }));
    expect(await status(o)).toMatchObject({ ok: false, checked: 1, problem: "event 1's hash does not match its content under the audit key" });
    expect(verifyExport(await exportText(server, o.id), keys.trusted, withKey)).toMatchObject({ ok: false, report: { checked: 1 } });
    const offline = verifyExport(await exportText(server, o.id), keys.trusted, null);
    expect(offline).toMatchObject({ ok: false, report: { checked: 5 } });
    expect(offline.report!.problem).toMatch(/^the checkpoint at seq 5 signed hash [0-9a-f]{16}…, but the event there has [0-9a-f]{16}…$/);

    // With the attacker's key under its own id.
    await forgeFrom(server, o.id, 1, '{"forged":3}', (e) => ({ hash: keyedEventHash(e, attacker), keyId: attacker.id }));
    expect(await status(o)).toMatchObject({ ok: false, checked: 1, problem: `event 1 was hashed with audit key ${attacker.id}, which is not the one held here` });
  });

  it('fails a checkpoint signed by another key, or naming ours with a signature of another', async () => {
    const o = await orgWithRoles(server, 'Checkpoints');
    await invite(o, 2, 'c');
    await checkpointChain(server.db, auditKeysOf(server.db), chainOf(o.id), new Date());
    await invite(o, 1, 'c-more');
    const events = await chainEvents(server, o.id);
    const last = chainedEvent(events.at(-1)!);
    const other = generateKeyPairSync('ed25519');
    const otherSigner = { id: publicKeyId(other.publicKey), privateKey: other.privateKey, publicKey: other.publicKey };
    // A correct digest even: only the key is wrong.
    const signedFirst = await server.db.auditCheckpoint.findFirstOrThrow({ where: { chain: chainOf(o.id) } });
    const digest = nextDigest(signedFirst.digest!, last);
    const foreign = signCheckpoint({ chain: chainOf(o.id), seq: 4, hash: last.hash, digest, at: new Date().toISOString(), prevSeq: null, prevSignatureHash: null }, otherSigner);
    await server.db.auditCheckpoint.create({ data: { ...foreign, at: new Date(foreign.at) } });
    const expected = `the checkpoint at seq 4 names signing key ${otherSigner.id}, which is not trusted (${keys.trusted.keys().next().value})`;
    expect(await status(o)).toMatchObject({ ok: false, checked: 4, brokenAt: globalIdOf('AuditEvent', last.id), problem: expected });
    expect(verifyExport(await exportText(server, o.id), keys.trusted, null)).toMatchObject({ ok: false, report: { problem: expected } });
    // The job does not continue from it.
    await invite(o, 1, 'c-after');
    expect(await checkpointChain(server.db, auditKeysOf(server.db), chainOf(o.id), new Date())).toMatchObject({ signed: false, problem: expected });

    // Our key id on a signature made with the other key.
    const o2 = await orgWithRoles(server, 'Impostor');
    await invite(o2, 1, 'i');
    const e2 = (await chainEvents(server, o2.id)).map(chainedEvent);
    const digest2 = e2.reduce((d, e) => nextDigest(d, e), GENESIS);
    const impostor = signCheckpoint({ chain: chainOf(o2.id), seq: 2, hash: e2[1]!.hash, digest: digest2, at: new Date().toISOString(), prevSeq: null, prevSignatureHash: null }, { ...otherSigner, id: keys.trusted.keys().next().value! });
    await server.db.auditCheckpoint.create({ data: { ...impostor, at: new Date(impostor.at) } });
    const expected2 = `the checkpoint at seq 2 has a signature that does not verify with ${impostor.keyId}`;
    expect(await status(o2)).toMatchObject({ ok: false, problem: expected2 });
    expect(verifyExport(await exportText(server, o2.id), keys.trusted, null)).toMatchObject({ ok: false, report: { problem: expected2 } });
  });

  it('keeps checkpoints append-only in the database', async () => {
    const o = await orgWithRoles(server, 'Frozen');
    await checkpointChain(server.db, auditKeysOf(server.db), chainOf(o.id), new Date());
    const row = await server.db.auditCheckpoint.findFirstOrThrow({ where: { chain: chainOf(o.id) } });
    await expect(server.db.$executeRawUnsafe(`UPDATE "AuditCheckpoint" SET "hash" = 'x' WHERE "id" = '${row.id}'`)).rejects.toThrow();
    await expect(server.db.$executeRawUnsafe(`DELETE FROM "AuditCheckpoint" WHERE "id" = '${row.id}'`)).rejects.toThrow();
    expect((await server.db.auditCheckpoint.findUniqueOrThrow({ where: { id: row.id } })).hash).toBe(row.hash);
  });
});

describe('export and offline verification', () => {
  it('round-trips an organization’s chain and the global login chain', async () => {
    const o = await orgWithRoles(server, 'Exported');
    await invite(o, 2, 'e');
    expect(codes(await server.gql(Login, { email: o.viewer, password: 'not-the-password' }))).toEqual(['UNAUTHENTICATED']);
    const withKey = (id: string) => (id === keys.eventKey.id ? keys.eventKey : undefined);
    for (const organizationId of [o.id, null]) {
      await checkpointChain(server.db, auditKeysOf(server.db), chainOf(organizationId), new Date());
      const text = await exportText(server, organizationId);
      const lines = text.trim().split('\n').map((l) => JSON.parse(l));
      const events = await chainEvents(server, organizationId);
      expect(lines[0]).toMatchObject({ type: 'header', chain: chainOf(organizationId), head: { seq: events.length }, publicKeyId: publicKeyId(keys.publicKey), eventKeyId: keys.eventKey.id, publicKey: keys.publicKeyPem });
      expect(lines.filter((l) => l.type === 'event').map((l) => l.seq)).toEqual(events.map((e) => e.seq));
      for (const held of [null, withKey]) {
        const v = verifyExport(text, keys.trusted, held);
        expect(v.report).toMatchObject({ ok: true, lastSeq: events.length, signedThrough: events.length, checkpoints: 1, unrecomputed: held ? 0 : events.length });
      }
      const described = describeVerification(verifyExport(text, keys.trusted, null), [publicKeyId(keys.publicKey)]);
      expect(described.at(-1)).toBe('OK');
      expect(described).toContain(`sequence and links: events 1 to ${events.length} in order, each linked to the previous one`);
    }
    const global = await chainEvents(server, null);
    expect(global.map((e) => e.action)).toContain('auth.login.failed');
  });

  it('says what is not proven: events after the latest checkpoint, without the audit key', async () => {
    const o = await orgWithRoles(server, 'Tail');
    await invite(o, 1, 'tail');
    await checkpointChain(server.db, auditKeysOf(server.db), chainOf(o.id), new Date());
    await invite(o, 2, 'tail-more');
    // The attacker rewrites the unsigned tail (events 3 and 4) with a key of their own under our id.
    const attacker = eventKey('attacker-key-attacker-key-attacker-key-0001');
    await forgeFrom(server, o.id, 3, '{"rewritten":true}', (e) => ({ hash: keyedEventHash(e, { ...attacker, id: keys.eventKey.id }), keyId: keys.eventKey.id }));
    expect(await checkpointChain(server.db, auditKeysOf(server.db), chainOf(o.id), new Date())).toEqual({
      chain: chainOf(o.id),
      seq: 3,
      signed: false,
      problem: "event 3's hash does not match its content under the audit key",
    });
    const text = await exportText(server, o.id);
    const without = verifyExport(text, keys.trusted, null);
    expect(without.report).toMatchObject({ ok: true, signedThrough: 2, lastSeq: 4 });
    expect(describeVerification(without, [publicKeyId(keys.publicKey)])).toContain(
      'unsigned tail: events 3 to 4 are linked but not authenticated (verify with AUDIT_KEY to recompute their hashes)',
    );
    const withKey = verifyExport(text, keys.trusted, (id) => (id === keys.eventKey.id ? keys.eventKey : undefined));
    expect(withKey.report).toMatchObject({ ok: false, checked: 3, problem: "event 3's hash does not match its content under the audit key" });
  });

  it('catches a whole chain rewritten with its checkpoints deleted only against an earlier export', async () => {
    const o = await orgWithRoles(server, 'Rewritten');
    await invite(o, 2, 'r');
    await checkpointChain(server.db, auditKeysOf(server.db), chainOf(o.id), new Date());
    const earlier = await exportText(server, o.id);

    // Every event recomputed as if written before keys, and every checkpoint of the chain gone.
    const forged = await forgeFrom(server, o.id, 1, '{"rewritten":true}', (e) => ({ hash: legacyEventHash(e), keyId: null }));
    await aroundTriggers(server, 'AuditCheckpoint', [Prisma.sql`DELETE FROM "AuditCheckpoint" WHERE "chain" = ${chainOf(o.id)}`]);
    // Alone, it holds together: what gives it away is that nothing in it is keyed or signed.
    expect(await status(o)).toMatchObject({ ok: true, checked: 3, keyedEvents: 0, legacyEvents: 3, checkpoints: 0, signedThrough: 0 });
    const later = await exportText(server, o.id);
    expect(verifyExport(later, keys.trusted, null).report).toMatchObject({ ok: true, legacyEvents: 3, checkpoints: 0 });

    const kept = checkpointsOf(earlier, keys.trusted);
    expect(kept).toHaveLength(1);
    const signedHash = (kept as Checkpoint[])[0]!.hash;
    expect(verifyExport(later, keys.trusted, null, kept as Checkpoint[])).toMatchObject({
      ok: false,
      report: { checked: 3, problem: `the checkpoint at seq 3 signed hash ${signedHash.slice(0, 16)}…, but the event there has ${forged.at(-1)!.hash.slice(0, 16)}…` },
    });
    // The earlier export agrees with itself, counted once.
    expect(verifyExport(earlier, keys.trusted, null, kept as Checkpoint[]).report).toMatchObject({ ok: true, checkpoints: 1 });
  });

  it('refuses a file that is not an export, and a key that signed nothing in it', async () => {
    expect(verifyExport('', keys.trusted, null)).toMatchObject({ ok: false, problem: 'the file is empty' });
    expect(verifyExport('{"type":"event"}\n', keys.trusted, null)).toMatchObject({ ok: false, problem: 'line 1 is not a header of governance-audit-export/1' });
    const o = await orgWithRoles(server, 'Shape');
    await checkpointChain(server.db, auditKeysOf(server.db), chainOf(o.id), new Date());
    const text = await exportText(server, o.id);
    const lines = text.trim().split('\n');
    const broken = [lines[0], JSON.stringify({ ...JSON.parse(lines[1]!), seq: '1' }), ...lines.slice(2)].join('\n');
    expect(verifyExport(broken, keys.trusted, null)).toMatchObject({ ok: false, problem: 'line 2 is not a well-formed event' });
    const stranger = trustedKeys(generateKeyPairSync('ed25519').publicKey);
    expect(verifyExport(text, stranger, null)).toMatchObject({ ok: false, report: { checked: 1 } });
    expect(verifyExport(text, stranger, null).report!.problem).toMatch(/^the checkpoint at seq 1 names signing key ed25519:[0-9a-f]{32}, which is not trusted/);
  });
});
