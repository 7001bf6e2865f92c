// The audit keys as configuration: required in production, generated once into the data folder
// otherwise (like the JWT secret), and refused when they are not what they claim to be.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditKeysFrom } from '../src/audit/keys.ts';
import { eventKey, publicKeyId } from '../src/audit/proof.ts';
import { ConfigError, loadConfig } from '../src/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'audit-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base = { DATABASE_URL: `file:${join(dir, 'governance.db')}`, JWT_SECRET: 'j'.repeat(40), LOG_LEVEL: 'silent' };
const pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('audit keys in the configuration', () => {
  it('are required in production', () => {
    let refused: unknown;
    try {
      loadConfig({ ...base, NODE_ENV: 'production' });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ConfigError);
    const lines = (refused as Error).message.split('\n');
    expect(lines).toContain('  AUDIT_KEY: is required when NODE_ENV=production');
    expect(lines).toContain('  AUDIT_SIGNING_KEY: is required when NODE_ENV=production');
    const key = pem();
    const config = loadConfig({ ...base, NODE_ENV: 'production', AUDIT_KEY: 'a'.repeat(32), AUDIT_SIGNING_KEY: key });
    expect(config.AUDIT_KEY).toBe('a'.repeat(32));
    expect(config.AUDIT_SIGNING_KEY).toBe(key.trim());
  });

  it('refuses a short audit key and a signing key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const [env, message] of [
      [{ AUDIT_KEY: 'short' }, 'AUDIT_KEY: must be at least 32 characters'],
      [{ AUDIT_SIGNING_KEY: rsa }, 'AUDIT_SIGNING_KEY: must be an Ed25519 private key in PEM (openssl genpkey -algorithm ed25519)'],
      [{ AUDIT_SIGNING_KEY: 'not a key' }, 'AUDIT_SIGNING_KEY: must be an Ed25519 private key in PEM (openssl genpkey -algorithm ed25519)'],
    ] as const)
      expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });

  it('accepts a PEM whose line breaks are written as \\n (one-line environment files)', () => {
    const key = pem();
    const config = loadConfig({ ...base, AUDIT_KEY: 'b'.repeat(32), AUDIT_SIGNING_KEY: key.trim().replace(/\n/g, '\\n') });
    expect(config.AUDIT_SIGNING_KEY).toBe(key.trim());
  });

  it('are generated once into the data folder outside production, readable by the owner only', () => {
    const first = loadConfig(base);
    const second = loadConfig(base);
    expect(second.AUDIT_KEY).toBe(first.AUDIT_KEY);
    expect(second.AUDIT_SIGNING_KEY).toBe(first.AUDIT_SIGNING_KEY);
    expect(readFileSync(join(dir, 'audit-key'), 'utf8').trim()).toBe(first.AUDIT_KEY);
    expect(statSync(join(dir, 'audit-key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'audit-signing-key.pem')).mode & 0o777).toBe(0o600);
    const keys = auditKeysFrom(first);
    expect(keys.event).toEqual(eventKey(first.AUDIT_KEY));
    expect(keys.event.id).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);
    expect(keys.signer.id).toBe(publicKeyId(keys.signer.publicKey));
    expect(keys.signer.id).toMatch(/^ed25519:[0-9a-f]{32}$/);
    expect([...keys.trusted.keys()]).toEqual([keys.signer.id]);
  });
});
