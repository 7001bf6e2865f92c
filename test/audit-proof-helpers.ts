// Helpers of the audit-proof tests: the keys a test server runs with, an export read in process,
// and an attacker who can write the database (around the append-only triggers) but holds no key.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { chainedEvent, chainOf } from '../src/audit/chain.ts';
import { exportChain } from '../src/audit/export.ts';
import { auditKeysOf } from '../src/audit/keys.ts';
import { eventKey, legacyEventHash, trustedKeys, type ChainedEvent, type UnhashedEvent } from '../src/audit/proof.ts';
import { Prisma, type AuditEvent } from '../src/db/client.ts';
import type { TestServer } from './harness.ts';

export function auditKeyMaterial() {
  const AUDIT_KEY = `audit-key-${randomUUID()}-${randomUUID()}`;
  const pair = generateKeyPairSync('ed25519');
  const AUDIT_SIGNING_KEY = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    env: { AUDIT_KEY, AUDIT_SIGNING_KEY },
    /** The verifier's view, derived here and not from the server. */
    eventKey: eventKey(AUDIT_KEY),
    publicKey: pair.publicKey,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    trusted: trustedKeys(pair.publicKey),
  };
}

export async function exportText(server: TestServer, organizationId: string | null): Promise<string> {
  const lines: string[] = [];
  for await (const line of exportChain(server.db, auditKeysOf(server.db), organizationId, new Date())) lines.push(JSON.stringify(line));
  return `${lines.join('\n')}\n`;
}

export async function chainEvents(server: TestServer, organizationId: string | null): Promise<AuditEvent[]> {
  return server.db.auditEvent.findMany({ where: { chain: chainOf(organizationId) }, orderBy: { seq: 'asc' } });
}

/** Runs statements with the append-only triggers of `table` out of the way, as someone with DDL rights would. */
export async function aroundTriggers(server: TestServer, table: 'AuditEvent' | 'AuditCheckpoint', statements: Prisma.Sql[]) {
  const db = server.db;
  if (server.config.provider === 'sqlite') {
    const triggers = await db.$queryRawUnsafe<{ name: string; sql: string }[]>(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '${table}'`);
    for (const t of triggers) await db.$executeRawUnsafe(`DROP TRIGGER "${t.name}"`);
    try {
      for (const s of statements) await db.$executeRaw(s);
    } finally {
      for (const t of triggers) await db.$executeRawUnsafe(t.sql);
    }
  } else {
    await db.$transaction([
      db.$executeRawUnsafe(`ALTER TABLE "${table}" DISABLE TRIGGER USER`),
      ...statements.map((s) => db.$executeRaw(s)),
      db.$executeRawUnsafe(`ALTER TABLE "${table}" ENABLE TRIGGER USER`),
    ]);
  }
}

const rewrite = (e: ChainedEvent) =>
  Prisma.sql`UPDATE "AuditEvent" SET "metadata" = ${e.metadata}, "prevHash" = ${e.prevHash}, "hash" = ${e.hash}, "keyId" = ${e.keyId} WHERE "id" = ${e.id}`;

/**
 * The attacker's forgery: changes the metadata of the event at `seq`, then recomputes that event's
 * hash and every later one with `hasher` (any function but the server's keyed one), relinks them
 * and moves the head, so that links and head agree again.
 */
export async function forgeFrom(
  server: TestServer,
  organizationId: string | null,
  seq: number,
  metadata: string,
  hasher: (e: UnhashedEvent) => { hash: string; keyId: string | null },
) {
  const events = (await chainEvents(server, organizationId)).map(chainedEvent);
  const forged: ChainedEvent[] = [];
  let prevHash = events.find((e) => e.seq === seq - 1)?.hash ?? '0'.repeat(64);
  for (const e of events.filter((x) => x.seq >= seq)) {
    const content: UnhashedEvent = { ...e, metadata: e.seq === seq ? metadata : e.metadata, prevHash };
    const { hash, keyId } = hasher({ ...content, keyId: null });
    const next = { ...content, keyId, hash };
    forged.push(next);
    prevHash = hash;
  }
  await aroundTriggers(server, 'AuditEvent', forged.map(rewrite));
  await server.db.auditChainHead.update({ where: { chain: chainOf(organizationId) }, data: { hash: prevHash } });
  return forged;
}

/** The writer as it was before keys: plain SHA-256, keyId null. */
export async function appendUnkeyed(server: TestServer, organizationId: string, action: string) {
  const chain = chainOf(organizationId);
  return server.db.$transaction(async (tx) => {
    const head = await tx.auditChainHead.update({ where: { chain }, data: { seq: { increment: 1 } } });
    const at = new Date();
    const fields: UnhashedEvent = {
      id: randomUUID(),
      chain,
      seq: head.seq,
      organizationId,
      at: at.toISOString(),
      actorId: null,
      actorEmail: null,
      action,
      targetType: null,
      targetId: null,
      requestId: null,
      metadata: '{}',
      prevHash: head.hash,
      keyId: null,
    };
    const hash = legacyEventHash(fields);
    const row = await tx.auditEvent.create({ data: { ...fields, at, hash } });
    await tx.auditChainHead.update({ where: { chain }, data: { hash } });
    return row;
  });
}

export const globalIdOf = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
