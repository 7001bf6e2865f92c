// Attack: graphql-ws and SSE. Anonymous and forged connection_init, a disabled member's and an
// invitee's subscriptions, more sockets than the per-user cap (in parallel, and by sockets that
// close while the server is still checking their credentials), oversized messages, and SSE
// subscriptions without credentials. Secure behaviour: no socket without good credentials, no
// event to anyone who may not receive it, the cap holds and frees exactly what closes.
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, type CallOptions, type TestServer } from './harness.ts';
import { orgWithRoles, userIdOf, type OrgFixture } from './fixtures.ts';

const CAP = 3;
let server: TestServer;
let o: OrgFixture;
let other: OrgFixture;
let url: string;
const clients: Client[] = [];
const sockets: WebSocket[] = [];
const ids: Record<string, string> = {};

const call = (opts: CallOptions, query: string, variables: Record<string, unknown> = {}) => server.raw({ query, variables }, opts);
const login = async (email: string) => (await call({}, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: email, p: PASSWORD })).data!.login!.token as string;

beforeAll(async () => {
  server = await startTestServer({ WS_INIT_TIMEOUT_MS: '1000', WS_MAX_SOCKETS_PER_USER: String(CAP), MAX_BODY_BYTES: '65536' });
  o = await orgWithRoles(server, 'Sockets', { disabled: 'ADMIN', demoted: 'ADMIN', capped: 'VIEWER', racer: 'VIEWER' });
  other = await orgWithRoles(server, 'Other');
  for (const who of ['disabled', 'demoted', 'editor']) ids[who] = await userIdOf(server, o.owner, o.emails[who]!);
  url = `ws://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/graphql`;
});
afterAll(async () => {
  for (const s of sockets) s.terminate();
  for (const c of clients) await c.dispose();
  await server?.close();
});

/** A raw graphql-transport-ws socket: resolves with the server's answer to connection_init (ack, or the close code). */
function rawInit(payload: unknown, after?: (s: WebSocket) => void): Promise<{ acked: boolean; code?: number; socket: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    sockets.push(socket);
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init', payload }));
      after?.(socket);
    });
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve({ acked: true, socket });
    });
    socket.on('close', (code) => resolve({ acked: false, code, socket }));
    socket.on('error', () => undefined);
  });
}

function connect(connectionParams: Record<string, unknown>) {
  const client = createClient({ url, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
  clients.push(client);
  return client;
}

/** Subscribes and collects what arrives for `ms`, or until the server ends the stream. */
function collect(client: Client, query: string, ms = 1500): Promise<{ data: any[]; errors: any[]; closed?: number }> {
  return new Promise((resolve) => {
    const out = { data: [] as any[], errors: [] as any[], closed: undefined as number | undefined };
    const timer = setTimeout(() => (dispose(), resolve(out)), ms);
    const dispose = client.subscribe(
      { query },
      {
        next: (r) => {
          if (r.data) out.data.push(r.data);
          if (r.errors) out.errors.push(...r.errors);
        },
        error: (e: any) => {
          if (e?.code) out.closed = e.code;
          else out.errors.push(...(Array.isArray(e) ? e : [e]));
          clearTimeout(timer);
          resolve(out);
        },
        complete: () => {
          clearTimeout(timer);
          resolve(out);
        },
      },
    );
  });
}

const EVENTS = `subscription { approvalEvents { type request { id kind summary requestedBy { email } } } }`;
/** A WORKFLOW request every ADMIN and OWNER of the organization receives. */
const raiseWorkflowRequest = (who: string) =>
  call({ as: who }, `mutation { createWorkflow(input: { name: "w${randomBytes(3).toString('hex')}", actions: [{ kind: SET_KPI_TARGET, config: { kpiKey: "k", target: 1 } }] }) { id } }`);

describe('connection_init', () => {
  it('refuses anonymous, garbage, foreign-signed, alg:none and expired credentials (4401)', async () => {
    const raw = Buffer.from(ids.editor!, 'base64').toString().split(':')[1]!;
    const b64 = (x: object) => Buffer.from(JSON.stringify(x)).toString('base64url');
    const foreign = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(raw).setIssuer('governance-api').setAudience('governance-api').setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(48)));
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(raw)
      .setIssuer('governance-api')
      .setAudience('governance-api')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(server.config.JWT_SECRET));
    const payloads: [string, unknown][] = [
      ['no payload', undefined],
      ['empty', {}],
      ['organization only', { organizationId: o.id }],
      ['garbage token', { token: 'garbage' }],
      ['foreign-signed', { token: foreign }],
      ['alg none', { token: `${b64({ alg: 'none' })}.${b64({ sub: raw, iss: 'governance-api', aud: 'governance-api' })}.` }],
      ['expired', { token: expired }],
      ['Authorization without Bearer', { Authorization: foreign }],
      ['non-string token', { token: { $ne: null } }],
      ['unknown dev user', { devUser: 'nobody@nowhere.test' }],
    ];
    const accepted: string[] = [];
    for (const [name, payload] of payloads) {
      const r = await rawInit(payload);
      if (r.acked || r.code !== 4401) accepted.push(`${name}: acked=${r.acked} code=${r.code}`);
    }
    expect(accepted).toEqual([]);
  });

  it('refuses a subscribe sent before connection_ack, and an operation on an unacknowledged socket', async () => {
    const closed = await new Promise<number>((resolve) => {
      const socket = new WebSocket(url, 'graphql-transport-ws');
      sockets.push(socket);
      socket.on('open', () => socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: EVENTS } })));
      socket.on('message', (d) => expect(JSON.parse(String(d)).type).not.toBe('next'));
      socket.on('close', (code) => resolve(code));
    });
    expect(closed).toBe(4401);
  });
});

describe('subscriptions of members who may receive nothing', () => {
  it("a disabled member's subscription is refused and receives nothing", async () => {
    await call({ as: o.owner }, `mutation($u: ID!) { setMemberStatus(userId: $u, status: DISABLED) { status } }`, { u: ids.disabled });
    const token = await login(o.emails.disabled!).catch(() => null);
    const params = token ? { token } : { devUser: o.emails.disabled };
    const client = connect(params);
    const watching = collect(client, EVENTS, 2000);
    await new Promise((r) => setTimeout(r, 300));
    await raiseWorkflowRequest(o.editor);
    const r = await watching;
    expect(r.data).toEqual([]);
    expect(r.errors.length + (r.closed ? 1 : 0)).toBeGreaterThan(0);
  });

  it("an invitee (not accepted) naming the organization receives nothing", async () => {
    await call({ as: o.owner }, `mutation { inviteMember(email: "${other.admin}", role: OWNER) { id } }`);
    const client = connect({ token: await login(other.admin), organizationId: o.id });
    const watching = collect(client, EVENTS, 2000);
    await new Promise((r) => setTimeout(r, 300));
    await raiseWorkflowRequest(o.editor);
    const r = await watching;
    expect(r.data).toEqual([]);
    expect(r.errors[0]?.extensions?.code ?? r.errors[0]?.message).toBeTruthy();
  });

  it("an ADMIN's open subscription ends when they are disabled: nothing after that", async () => {
    const client = connect({ devUser: o.emails.demoted });
    const events: any[] = [];
    const errors: any[] = [];
    let done = false;
    client.subscribe({ query: EVENTS }, { next: (r) => (r.data && events.push(r.data), r.errors && errors.push(...r.errors)), error: (e) => (errors.push(e), (done = true)), complete: () => (done = true) });
    // Warm up: wait until this subscriber receives something.
    for (let i = 0; i < 20 && events.length === 0; i++) {
      await raiseWorkflowRequest(o.editor);
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(events.length).toBeGreaterThan(0);
    await call({ as: o.owner }, `mutation($u: ID!) { setMemberStatus(userId: $u, status: DISABLED) { status } }`, { u: ids.demoted });
    const seen = events.length;
    await raiseWorkflowRequest(o.editor);
    await new Promise((r) => setTimeout(r, 800));
    expect(events.length).toBe(seen);
    expect(done).toBe(true);
  });
});

describe('the per-user socket cap', () => {
  it(`holds under ${CAP * 3} parallel connection_inits of one user`, async () => {
    const results = await Promise.all(Array.from({ length: CAP * 3 }, () => rawInit({ devUser: o.emails.capped })));
    expect(results.filter((r) => r.acked).length).toBe(CAP);
    expect(results.filter((r) => !r.acked).every((r) => r.code === 4429)).toBe(true);
    for (const r of results) r.socket.terminate();
    await new Promise((r) => setTimeout(r, 300));
  });

  it('is not used up by sockets that close while their credentials are being checked', async () => {
    // Each socket sends a valid connection_init and closes at once (the close frame follows the
    // init frame), before the server has answered it.
    let acks = 0;
    const drop = () =>
      new Promise<void>((resolve) => {
        const socket = new WebSocket(url, 'graphql-transport-ws');
        socket.on('open', () =>
          // Dropped as soon as the init frame is on the wire (no close handshake to wait for).
          socket.send(JSON.stringify({ type: 'connection_init', payload: { devUser: o.emails.racer } }), () => socket.terminate()),
        );
        socket.on('message', (d) => JSON.parse(String(d)).type === 'connection_ack' && acks++);
        socket.on('close', () => resolve());
        socket.on('error', () => undefined);
      });
    // A few rounds of parallel drops: the credential checks queue behind each other, as under load.
    for (let round = 0; round < 3; round++) await Promise.all(Array.from({ length: 12 }, drop));
    expect(acks).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    // Nothing of this user is open: a fresh socket must be accepted.
    const fresh = await rawInit({ devUser: o.emails.racer });
    expect(fresh.code).toBeUndefined();
    expect(fresh.acked).toBe(true);
    fresh.socket.terminate();
  });
});

describe('oversized WebSocket input', () => {
  it('closes a socket sending a message over MAX_BODY_BYTES, and refuses an over-long string in an operation', async () => {
    const r = await rawInit({ devUser: o.editor });
    expect(r.acked).toBe(true);
    const closed = new Promise<number>((resolve) => r.socket.on('close', (code) => resolve(code)));
    r.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `{ me { role } }`, variables: { pad: 'x'.repeat(200_000) } } }));
    expect(await closed).toBe(1009);

    const client = connect({ devUser: o.viewer });
    const long = await new Promise<any>((resolve) => {
      let result: any;
      client.subscribe(
        { query: `mutation($j: String!) { requestAccess(dimension: "region", value: "US", justification: $j) { id } }`, variables: { j: 'j'.repeat(20_000) } },
        { next: (x) => (result = x), error: (e) => resolve({ errors: [e] }), complete: () => resolve(result) },
      );
    });
    expect(long.errors?.[0]?.extensions?.code ?? long.errors?.[0]?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const pending = await call({ as: o.owner }, `{ approvalRequests(kind: ACCESS_SCOPE) { totalCount } }`);
    expect(pending.data?.approvalRequests?.totalCount).toBe(0);
  });
});

describe('SSE subscriptions (POST, Accept: text/event-stream)', () => {
  /** Reads an SSE response for `ms` while `during` runs; returns the raw text. */
  async function sse(headers: Record<string, string>, during: () => Promise<unknown>, ms = 1500, method = 'POST'): Promise<{ status: number; text: string }> {
    const controller = new AbortController();
    const init: RequestInit = { method, headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal };
    if (method === 'POST') {
      init.body = JSON.stringify({ query: EVENTS });
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const target = method === 'POST' ? '/graphql' : `/graphql?query=${encodeURIComponent(EVENTS)}`;
    const response = await server.app.fetch(target, init);
    let text = '';
    const reader = response.body?.getReader();
    const reading = (async () => {
      try {
        while (reader) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
      } catch {
        // aborted
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    await during();
    await new Promise((r) => setTimeout(r, ms));
    controller.abort();
    await reader?.cancel().catch(() => undefined);
    await Promise.race([reading, new Promise((r) => setTimeout(r, 500))]);
    return { status: response.status, text };
  }
  const delivered = (text: string) => /"approvalEvents":\{/.test(text);

  it('without credentials, with a bad token, as a disabled member or an outsider: no event, an error', async () => {
    const callers: [string, Record<string, string>][] = [
      ['anonymous', {}],
      ['bad token', { authorization: 'Bearer nope' }],
      ['disabled member', { 'x-dev-user': o.emails.disabled! }],
      ['outsider naming the org', { 'x-dev-user': other.owner, 'x-organization-id': o.id }],
    ];
    const leaks: string[] = [];
    for (const [name, headers] of callers) {
      const r = await sse(headers, () => raiseWorkflowRequest(o.editor), 800);
      if (delivered(r.text)) leaks.push(`${name}: ${r.text.slice(0, 300)}`);
      if (!/UNAUTHENTICATED|FORBIDDEN/.test(r.text) && r.status < 400) leaks.push(`${name}: no refusal (${r.status}) ${r.text.slice(0, 200)}`);
    }
    expect(leaks).toEqual([]);
  });

  it('a GET event stream without credentials delivers nothing', async () => {
    const r = await sse({}, () => raiseWorkflowRequest(o.editor), 800, 'GET');
    expect(delivered(r.text)).toBe(false);
  });

  it('(control) an OWNER over SSE does receive events', async () => {
    const r = await sse({ 'x-dev-user': o.owner }, () => raiseWorkflowRequest(o.editor), 1200);
    expect(delivered(r.text)).toBe(true);
  });
});
