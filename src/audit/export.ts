// An audit chain as a file that verifies offline (JSON Lines): a header naming the chain, its head
// and the public key that signs its checkpoints, then every event in order, then the signed
// checkpoints. `npm run audit:export` writes it; `npm run audit:verify` (src/audit/verify-export.ts)
// checks it with only the public key, and with the audit key recomputes every hash too.
import { decodeGlobalID } from '@pothos/plugin-relay';
import type { Db } from '../db/client.ts';
import { chainedEvent, chainOf, storedCheckpoint } from './chain.ts';
import { publicKeyPem, type AuditKeys } from './keys.ts';
import type { ChainedEvent, Checkpoint } from './proof.ts';

export const EXPORT_FORMAT = 'governance-audit-export/1';

export interface ExportHeader {
  type: 'header';
  format: typeof EXPORT_FORMAT;
  chain: string;
  organizationId: string | null;
  exportedAt: string;
  /** The stored head when the export was read: as the database says, so a cross-check, not a proof. */
  head: { seq: number; hash: string };
  /** The key that signs the checkpoints. A verifier trusts the one it was given, not this copy. */
  publicKeyId: string;
  publicKey: string;
  /** The audit key events are hashed with now (its id only). */
  eventKeyId: string;
}

/** The key fields of a header: the server's keys, or (a verifier reading the database) the public key it trusts. */
export type ExportKeyFields = Pick<ExportHeader, 'publicKeyId' | 'publicKey' | 'eventKeyId'>;

const keyFieldsOf = (keys: AuditKeys | ExportKeyFields): ExportKeyFields =>
  'signer' in keys ? { publicKeyId: keys.signer.id, publicKey: publicKeyPem(keys), eventKeyId: keys.event.id } : keys;

export type ExportLine = ExportHeader | ({ type: 'event' } & ChainedEvent) | ({ type: 'checkpoint' } & Checkpoint);

/**
 * The lines of one chain's export, read up to the head as it stood at the start: events and
 * checkpoints written meanwhile wait for the next export.
 */
export async function* exportChain(db: Db, keys: AuditKeys | ExportKeyFields, organizationId: string | null, exportedAt: Date, batchSize = 1000): AsyncGenerator<ExportLine> {
  const chain = chainOf(organizationId);
  const head = await db.auditChainHead.findUnique({ where: { chain } });
  if (!head) throw new Error(`no audit chain ${chain}: ${organizationId ? 'no such organization' : 'the server never started on this database'}`);
  yield {
    type: 'header',
    format: EXPORT_FORMAT,
    chain,
    organizationId,
    exportedAt: exportedAt.toISOString(),
    head: { seq: head.seq, hash: head.hash },
    ...keyFieldsOf(keys),
  };
  for (let after = 0; after < head.seq; ) {
    const batch = await db.auditEvent.findMany({ where: { chain, seq: { gt: after, lte: head.seq } }, orderBy: { seq: 'asc' }, take: batchSize });
    if (batch.length === 0) break;
    for (const e of batch) yield { type: 'event', ...chainedEvent(e) };
    after = batch.at(-1)!.seq;
  }
  const checkpoints = await db.auditCheckpoint.findMany({ where: { chain, seq: { lte: head.seq } }, orderBy: { seq: 'asc' } });
  for (const c of checkpoints) yield { type: 'checkpoint', ...storedCheckpoint(c) };
}

/** The organization a command line names: its global id (`Organization:…`) or its raw id. */
export function organizationIdOf(value: string): string {
  try {
    const { typename, id } = decodeGlobalID(value);
    if (typename === 'Organization') return id;
  } catch {
    // a raw id
  }
  return value;
}
