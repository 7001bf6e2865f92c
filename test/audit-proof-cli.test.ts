// `npm run audit:export` and `npm run audit:verify` as an operator runs them: the export from the
// server's environment, the verification with nothing but the file and the public key (and, in a
// second pass, the audit key from a file).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainOf, GLOBAL_CHAIN } from '../src/audit/chain.ts';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';
import { InviteMember, Login } from './ops.ts';
import { auditKeyMaterial } from './audit-proof-helpers.ts';

const run = promisify(execFile);
const keys = auditKeyMaterial();
const dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
let server: TestServer;
let o: OrgFixture;

beforeAll(async () => {
  server = await startTestServer(keys.env);
  o = await orgWithRoles(server, 'Operators');
  expect(codes(await server.gql(InviteMember, { email: 'cli@operators.test', role: 'VIEWER' }, { as: o.owner }))).toEqual([]);
  expect(codes(await server.gql(Login, { email: o.viewer, password: 'not-the-password' }))).toEqual(['UNAUTHENTICATED']);
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs an npm script's file with tsx, as `npm run` does; resolves with its exit status and output. */
async function script(name: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: join(import.meta.dirname, '..'),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const serverEnv = () => ({
  NODE_ENV: 'test',
  DATABASE_URL: server.config.DATABASE_URL,
  JWT_SECRET: server.config.JWT_SECRET,
  LOG_LEVEL: 'silent',
  ...keys.env,
});

describe('audit:export and audit:verify', () => {
  it('export an organization’s chain, signed to its head, that verifies with only the public key', async () => {
    const out = join(dir, 'org.jsonl');
    const pem = join(dir, 'public.pem');
    const exported = await script('audit-export', ['--organization', o.id, '--out', out, '--public-key-out', pem], serverEnv());
    expect(exported).toMatchObject({ code: 0, stderr: `exported ${chainOf(o.id)}: 2 events, 1 checkpoints, signed by ${[...keys.trusted.keys()][0]}\n` });
    expect(readFileSync(pem, 'utf8')).toBe(keys.publicKeyPem);

    const verified = await script('audit-verify', [out, '--public-key', pem], {});
    expect(verified.code).toBe(0);
    expect(verified.stdout.trim().split('\n').slice(1)).toEqual([
      'sequence and links: events 1 to 2 in order, each linked to the previous one',
      expect.stringMatching(/^signed: 1 checkpoint\(s\) verified with ed25519:[0-9a-f]{32}; events 1 to 2 are exactly, content included, what the server verified and signed/),
      'not shown: that no event newer than the latest checkpoint was removed, nor that checkpoints and events were not cut from the end together (verify with --anchor)',
      'OK',
    ]);

    const keyFile = join(dir, 'audit-key');
    writeFileSync(keyFile, keys.env.AUDIT_KEY);
    const withKey = await script('audit-verify', [out, '--public-key', pem, '--audit-key-file', keyFile, '--json'], {});
    expect(withKey.code).toBe(0);
    expect(JSON.parse(withKey.stdout)).toMatchObject({ ok: true, hashesRecomputed: true, report: { keyedEvents: 2, unrecomputed: 0, signedThrough: 2 } });

    // A later export checked against this one, kept elsewhere: its checkpoint must hold there too.
    expect(codes(await server.gql(InviteMember, { email: 'cli-later@operators.test', role: 'VIEWER' }, { as: o.owner }))).toEqual([]);
    const later = join(dir, 'org-later.jsonl');
    expect((await script('audit-export', ['--organization', o.id, '--out', later], serverEnv())).code).toBe(0);
    const against = await script('audit-verify', [later, '--public-key', pem, '--against', out, '--json'], {});
    expect(against.code).toBe(0);
    expect(JSON.parse(against.stdout)).toMatchObject({ ok: true, report: { lastSeq: 3, checkpoints: 2, signedThrough: 3 } });
    // Five processes, each loading the sources with tsx: seconds apiece on a busy machine.
  }, 180_000);

  it('export the global login chain the same way (--global)', async () => {
    const out = join(dir, 'global.jsonl');
    const pem = join(dir, 'public.pem');
    writeFileSync(pem, keys.publicKeyPem);
    expect((await script('audit-export', ['--global', '--out', out], serverEnv())).code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'header', chain: GLOBAL_CHAIN, organizationId: null });
    expect(lines.filter((l) => l.type === 'event').map((l) => l.action)).toContain('auth.login.failed');
    const verified = await script('audit-verify', [out, '--public-key', pem], { AUDIT_KEY: keys.env.AUDIT_KEY });
    expect(verified.code).toBe(0);
    expect(verified.stdout.trim().split('\n').at(-1)).toBe('OK');
  }, 120_000);

  it('fail an edited export, and one checked against another key', async () => {
    const out = join(dir, 'org.jsonl');
    const pem = join(dir, 'public.pem');
    writeFileSync(pem, keys.publicKeyPem);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const event = JSON.parse(lines[2]!);
    const edited = join(dir, 'edited.jsonl');
    writeFileSync(edited, [lines[0], lines[1], JSON.stringify({ ...event, actorEmail: 'someone-else@operators.test' }), ...lines.slice(3)].join('\n'));
    const failed = await script('audit-verify', [edited, '--public-key', pem], {});
    expect(failed.code).toBe(1);
    expect(failed.stdout.trim().split('\n').at(-1)).toBe(
      `FAILED at event ${event.id} after 2 checked: the events up to seq 2 differ from the ones its checkpoint signed (digest mismatch)`,
    );

    const stranger = join(dir, 'stranger.pem');
    writeFileSync(stranger, auditKeyMaterial().publicKeyPem);
    const refused = await script('audit-verify', [out, '--public-key', stranger], {});
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/FAILED at event \S+ after 2 checked: the checkpoint at seq 2 names signing key ed25519:[0-9a-f]{32}, which is not trusted/);

    expect((await script('audit-verify', [out], {})).code).toBe(2);
  }, 120_000);
});
