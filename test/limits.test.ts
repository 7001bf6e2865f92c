// Oversized input is refused before anything runs: no throttle row, no audit event, no hash.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestServer, type TestServer } from './harness.ts';
import { Login } from './ops.ts';
import { inputProblem } from '../src/input-limits.ts';

let server: TestServer;
let port: number;
beforeAll(async () => {
  server = await startTestServer({ MAX_BODY_BYTES: '65536' });
  port = await server.app.start(0, '127.0.0.1');
});
afterAll(() => server?.close());

const auditCount = () => server.db.auditEvent.count();

describe('string limit', () => {
  it('refuses an anonymous login with a huge email or password before any I/O', async () => {
    const before = await auditCount();
    for (const variables of [
      { email: `${'a'.repeat(20_000)}@example.test`, password: 'whatever-password' },
      { email: 'someone@example.test', password: 'p'.repeat(20_000) },
    ]) {
      const r = await server.gql(Login, variables);
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions).toMatchObject({ rule: 'input.string-length', limit: 10_000 });
      expect(r.errors![0]!.message).not.toMatch(/Syntax Error/);
    }
    expect(await server.db.loginThrottle.count()).toBe(0);
    expect(await auditCount()).toBe(before);
  });

  it('refuses a long string literal in the document too', async () => {
    const r = await server.raw({ query: `mutation { login(email: "${'x'.repeat(10_001)}", password: "y") { token } }` });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(await server.db.loginThrottle.count()).toBe(0);
  });

  it('finds the first overlong string deep in a value, and a hostile nesting without overflowing the stack', () => {
    expect(inputProblem({ input: { actions: [{ config: { body: { note: 'x'.repeat(11) } } }] } }, 10, 'variables')).toEqual({
      path: 'variables.input.actions[0].config.body.note',
      problem: 'length',
    });
    expect(inputProblem({ a: ['short', 1, null], b: 'first-long!', c: 'second-long' }, 10)).toEqual({ path: '$.b', problem: 'length' });
    expect(inputProblem({ a: ['short', 1, null] }, 10)).toBeNull();
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(inputProblem(deep, 10)).toEqual({ path: '$' + '[0]'.repeat(64), problem: 'depth' });
  });

  it('refuses deeply nested JSON variables as input, not as a server error', async () => {
    const nested = '['.repeat(5000) + ']'.repeat(5000);
    const query = 'mutation($v: JSON) { createWorkflow(input: { name: "x", actions: [{ kind: NOTIFY, config: $v }] }) { id } }';
    const r = await server.raw(`{"query":${JSON.stringify(query)},"variables":{"v":${nested}}}`);
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions).toMatchObject({ rule: 'input.depth', limit: 64 });
  });
});

describe('body size', () => {
  const post = (body: string, headers: Record<string, string | number>) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('refuses a body over MAX_BODY_BYTES by its length, and a chunked one', async () => {
    const big = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(70_000) } });
    const tooBig = await post(big, { 'content-length': Buffer.byteLength(big) });
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.text).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'input.body-size', limit: 65536 });
    const chunked = await post('{"query":"{ __typename }"}', { 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(411);
    const fine = '{"query":"{ __typename }"}';
    const ok = await post(fine, { 'content-length': Buffer.byteLength(fine) });
    expect(JSON.parse(ok.text)).toEqual({ data: { __typename: 'Query' }, extensions: { cost: { requested: 0, limit: 5000 } } });
  });
});
