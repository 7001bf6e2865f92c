// docs/frontend.md ("Connecting a frontend"), run: each JavaScript snippet as a Node script against
// a started server (its URLs pointed there), the codegen snippets as a client project generating
// and type-checking its types, and the CORS and CSRF answers it quotes. The page is the only one
// with JavaScript or TypeScript snippets; the docs test and this one keep it so.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { ApprovalRequests, CancelRequest, RequestAccess } from './ops.ts';

const root = join(import.meta.dirname, '..');
// Inside the repository, so that the snippets' imports resolve from its node_modules.
const scratch = join(root, 'node_modules', '.cache', 'frontend-snippets', randomBytes(4).toString('hex'));

const page = readFileSync(join(root, 'docs', 'frontend.md'), 'utf8');
const blocks = (language: string) => [...page.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map(([, code]) => code!);

let server: TestServer;
let origin: string;
beforeAll(async () => {
  server = await startTestServer({ SEED_DEMO: '1' });
  origin = `127.0.0.1:${await server.app.start(0, '127.0.0.1')}`;
  mkdirSync(scratch, { recursive: true });
});
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await server?.close();
});

const pointed = (code: string) => code.replaceAll('http://localhost:4000', `http://${origin}`).replaceAll('ws://localhost:4000', `ws://${origin}`);

interface Run {
  output: string[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Runs a snippet as a Node ES module; its stdout, line by line. */
function run(name: string, code: string, cwd = scratch): Run {
  const file = join(cwd, `${name}.mjs`);
  writeFileSync(file, pointed(code));
  const child = spawn(process.execPath, [file], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  let errors = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(...chunk.split('\n').filter(Boolean)));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const killer = setTimeout(() => child.kill(), 60_000);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(killer);
      if (code !== 0) output.push(`stderr: ${errors}`);
      resolve(code);
    }),
  );
  return { output, exited };
}

/**
 * The analyst asks for EMEA until the running snippet has printed an event (it may not have
 * subscribed yet when the first request is raised), withdrawing each request again.
 */
async function raiseUntilPrinted(snippet: Run) {
  for (let attempt = 0; attempt < 40 && !snippet.output.some((l) => l.startsWith('{')); attempt++) {
    const asked = await server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: 'Snippet test' }, { as: 'analyst@demo.test' });
    expect(asked.errors).toBeUndefined();
    for (let i = 0; i < 10 && !snippet.output.some((l) => l.startsWith('{')); i++) await new Promise((r) => setTimeout(r, 100));
    expect((await server.gql(CancelRequest, { id: asked.data!.requestAccess!.id }, { as: 'analyst@demo.test' })).errors).toBeUndefined();
  }
}

describe('the snippets of docs/frontend.md', () => {
  it('are the ones this test runs', () => {
    expect(blocks('js')).toHaveLength(3);
    expect(blocks('ts')).toHaveLength(2);
  });

  it('signs in, reads in the organization, logs out, and is refused after (fetch)', async () => {
    const snippet = run('fetch', blocks('js')[0]!);
    expect(await snippet.exited).toBe(0);
    expect(snippet.output[0]).toMatch(/^signed in until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(snippet.output).toContain('revenue: RESTRICTED, 18 rows');
    expect(snippet.output.at(-1)).toBe('UNAUTHENTICATED This session was ended by logout. Log in again with `login`.');
  });

  it('receives an approval event over graphql-ws, and the socket closes on logout', async () => {
    const snippet = run('graphql-ws', blocks('js')[1]!);
    await raiseUntilPrinted(snippet);
    expect(await snippet.exited).toBe(0);
    const event = JSON.parse(snippet.output.find((l) => l.startsWith('{'))!);
    expect(['REQUESTED', 'CANCELLED']).toContain(event.type);
    expect(event.request).toMatchObject({ kind: 'ACCESS_SCOPE', requestedBy: { email: 'analyst@demo.test' } });
    expect(event.request.summary).toMatch(/EMEA/);
    expect(snippet.output).toContain('socket closed 4401 Session ended by logout: log in again');
  });

  it('receives an approval event over SSE', async () => {
    const snippet = run('sse', blocks('js')[2]!);
    await raiseUntilPrinted(snippet);
    expect(await snippet.exited).toBe(0);
    const event = JSON.parse(snippet.output.find((l) => l.startsWith('{'))!);
    expect(event).toMatchObject({ request: { kind: 'ACCESS_SCOPE' } });
    expect(['REQUESTED', 'CANCELLED']).toContain(event.type);
    // Nothing is left pending by the snippets' requests.
    const pending = await server.gql(ApprovalRequests, { kind: 'ACCESS_SCOPE', status: 'PENDING' }, { as: 'analyst@demo.test' });
    expect(pending.data?.approvalRequests?.edges?.filter((e) => e?.node?.summary?.includes('EMEA'))).toEqual([]);
  });

  it('generates typed documents for a client project with codegen, which type-check', { timeout: 120_000 }, async () => {
    const project = join(scratch, 'client');
    mkdirSync(join(project, 'src'), { recursive: true });
    const [config, usage] = blocks('ts');
    writeFileSync(join(project, 'codegen.ts'), pointed(config!));
    writeFileSync(join(project, 'src', 'kpis.ts'), usage!);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'ESNext', moduleResolution: 'bundler', allowImportingTsExtensions: true, target: 'ES2022', skipLibCheck: true }, include: ['src'] }),
    );
    const bin = (name: string) => join(root, 'node_modules', '.bin', name);
    const exec = (command: string, args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(command, args, { cwd: project });
        let out = '';
        child.stdout.on('data', (c) => (out += c));
        child.stderr.on('data', (c) => (out += c));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const generated = await exec(bin('graphql-codegen'), ['--config', 'codegen.ts']);
    expect(generated.out).not.toMatch(/error/i);
    expect(generated.code).toBe(0);
    const types = readFileSync(join(project, 'src', 'gql', 'graphql.ts'), 'utf8');
    expect(types).toMatch(/export type MyKpisQuery = /);
    expect(types).toMatch(/export type MyKpisQueryVariables = Exact<\{\s*first\?: number \| null \| undefined;\s*\}>/);
    expect(types).toMatch(/export const MyKpisDocument = /);
    // The usage compiles against what was generated, and a wrong field name would not.
    writeFileSync(join(project, 'src', 'use.ts'), "import { MyKpis } from './kpis.ts';\nimport type { ResultOf } from '@graphql-typed-document-node/core';\nexport const keys = (r: ResultOf<typeof MyKpis>) => r.kpis?.edges?.map((e) => e?.node?.key);\n");
    expect(await exec(bin('tsc'), ['-p', 'tsconfig.json'])).toEqual({ code: 0, out: '' });
    // The same files under NodeNext, in an ES module package (TS2835 if an import had no extension).
    writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      join(project, 'tsconfig.nodenext.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true, target: 'ES2022', skipLibCheck: true }, include: ['src'] }),
    );
    expect(await exec(bin('tsc'), ['-p', 'tsconfig.nodenext.json'])).toEqual({ code: 0, out: '' });
    writeFileSync(join(project, 'src', 'use.ts'), "import { MyKpis } from './kpis.ts';\nimport type { ResultOf } from '@graphql-typed-document-node/core';\nexport const keys = (r: ResultOf<typeof MyKpis>) => r.kpis?.edges?.map((e) => e?.node?.nope);\n");
    expect((await exec(bin('tsc'), ['-p', 'tsconfig.json'])).out).toMatch(/Property 'nope' does not exist/);
  });
});

describe('the CORS and CSRF answers it describes', () => {
  const APP = 'http://localhost:5173';
  const preflight = (url: string) =>
    fetch(`${url}/graphql`, { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' } });

  it('refuses an unlisted origin with the message docs/frontend.md quotes, and answers a listed one', async () => {
    const refused = await preflight(`http://${origin}`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const body = await refused.json();
    const quoted = /`(\{"errors":\[\{"message":"Cross-origin request from http:\/\/localhost:5173 refused: CORS_ORIGINS is\s+empty[^`]*)…/.exec(page)![1]!.replace(/\s+/g, ' ');
    expect(JSON.stringify(body).startsWith(quoted)).toBe(true);
    expect(body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'http.cors-origin', origin: APP });

    const listed = await startTestServer({ CORS_ORIGINS: APP }, { database: { url: server.config.DATABASE_URL, drop: async () => {} } });
    try {
      const url = `http://127.0.0.1:${await listed.app.start(0, '127.0.0.1')}`;
      const answered = await preflight(url);
      expect(answered.status).toBe(204);
      expect(Object.fromEntries([...answered.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
        'access-control-allow-headers': 'content-type, authorization',
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-expose-headers': 'x-request-id',
        'access-control-max-age': '600',
      });
      const actual = await fetch(`${url}/graphql`, { method: 'POST', headers: { origin: APP, 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(actual.headers.get('access-control-allow-origin')).toBe(APP);
      expect(await actual.json()).toEqual({ data: { __typename: 'Query' }, extensions: { cost: { requested: 0, limit: 5000 } } });
      const other = await fetch(`${url}/graphql`, { method: 'POST', headers: { origin: 'https://elsewhere.example', 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(other.status).toBe(403);
    } finally {
      await listed.close();
    }
  });

  it('runs a GET query without the CSRF header, and needs it on a form post', async () => {
    const get = await fetch(`http://${origin}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json' } });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' }, extensions: { cost: { requested: 0, limit: 5000 } } });
    const form = await fetch(`http://${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `query=${encodeURIComponent('{ __typename }')}` });
    expect(form.status).toBe(403);
    expect((await form.json()).errors[0].extensions.rule).toBe(/`rule` `(http\.csrf-simple-request)`/.exec(page)![1]);
  });
});
