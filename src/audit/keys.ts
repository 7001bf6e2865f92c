// The audit trail's two keys, both held outside the database: the HMAC key of event hashes
// (AUDIT_KEY) and the Ed25519 key that signs checkpoints (AUDIT_SIGNING_KEY). Each database client
// the server opens is registered with the keys its events are written and verified with.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { loadConfig, type Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { eventKey, publicKeyId, trustedKeys, type EventKey, type EventKeys, type Signer, type TrustedKeys } from './proof.ts';

export interface AuditKeys {
  /** Hashes new events. */
  event: EventKey;
  /** The event keys verification accepts, by id. */
  eventKeys: NonNullable<EventKeys>;
  /** Signs checkpoints. */
  signer: Signer;
  /** The public keys whose checkpoints verification accepts. */
  trusted: TrustedKeys;
}

export function auditKeysFrom(config: Pick<Config, 'AUDIT_KEY' | 'AUDIT_SIGNING_KEY'>): AuditKeys {
  const event = eventKey(config.AUDIT_KEY);
  const privateKey = createPrivateKey(config.AUDIT_SIGNING_KEY);
  const publicKey = createPublicKey(privateKey);
  const signer: Signer = { id: publicKeyId(publicKey), privateKey, publicKey };
  return { event, eventKeys: (id) => (id === event.id ? event : undefined), signer, trusted: trustedKeys(publicKey) };
}

export const publicKeyPem = (keys: AuditKeys) => keys.signer.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const registered = new WeakMap<object, AuditKeys>();
let fromEnvironment: AuditKeys | undefined;

/** Events written through `db` (and its transactions) are keyed with these (buildApp registers its client). */
export function useAuditKeys(db: Db, keys: AuditKeys): void {
  registered.set(db, keys);
}

/**
 * The keys of a client. A client opened outside buildApp (a seeding script) gets the keys the
 * environment configures, as a server started with that environment would.
 */
export function auditKeysOf(db: Db): AuditKeys {
  return registered.get(db) ?? (fromEnvironment ??= auditKeysFrom(loadConfig(process.env)));
}
