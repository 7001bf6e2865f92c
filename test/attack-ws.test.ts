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

/** Subscribes and collects what arrives until the server ends the stream (a refusal ends it at once). */
function collect(client: Client, query: string, ms = 10_000): Promise<{ data: any[]; errors: any[]; closed?: number; ended: boolean }> {
  return new Promise((resolve) => {
    const out = { data: [] as any[], errors: [] as any[], closed: undefined as number | undefined, ended: true };
    const timer = setTimeout(() => (dispose(), resolve({ ...out, ended: false })), ms);
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
    const watching = collect(client, EVENTS);
    await raiseWorkflowRequest(o.editor);
    // Refused when subscribing: the stream ends with the refusal, so nothing can follow.
    expect(await watching).toEqual({
      data: [],
      errors: [
        {
          message: 'Your membership in this organization is disabled. Ask a member with the ADMIN and OWNER roles to re-enable it.',
          locations: [{ line: 1, column: 16 }],
          path: ['approvalEvents'],
          extensions: { code: 'FORBIDDEN', rule: 'membership.disabled', reason: 'Your membership in this organization is disabled.', nextStep: 'Ask a member with the ADMIN and OWNER roles to re-enable it.', approvers: ['ADMIN', 'OWNER'] },
        },
      ],
      closed: undefined,
      ended: true,
    });
  });

  it("an invitee (not accepted) naming the organization receives nothing", async () => {
    await call({ as: o.owner }, `mutation { inviteMember(email: "${other.admin}", role: OWNER) { id } }`);
    const client = connect({ token: await login(other.admin), organizationId: o.id });
    const watching = collect(client, EVENTS);
    await raiseWorkflowRequest(o.editor);
    // Refused when subscribing: the stream ends with the refusal, so nothing can follow.
    expect(await watching).toEqual({
      data: [],
      errors: [
        {
          message: 'Your membership in this organization awaits acceptance of its invite. Accept it with `acceptInvite`.',
          locations: [{ line: 1, column: 16 }],
          path: ['approvalEvents'],
          extensions: { code: 'FORBIDDEN', rule: 'membership.invited', reason: 'Your membership in this organization awaits acceptance of its invite.', nextStep: 'Accept it with `acceptInvite`.' },
        },
      ],
      closed: undefined,
      ended: true,
    });
  });

  it("an ADMIN's open subscription ends when they are disabled: nothing after that", async () => {
    const client = connect({ devUser: o.emails.demoted });
    const events: any[] = [];
    const errors: any[] = [];
    let received = () => {};
    const ended = new Promise<void>((resolve) =>
      client.subscribe(
        { query: EVENTS },
        { next: (r) => (r.data && (events.push(r.data), received()), r.errors && errors.push(...r.errors)), error: (e) => (errors.push(e), resolve()), complete: () => resolve() },
      ),
    );
    // Warm up: raise until this subscriber receives something (its subscription is then in place).
    for (let attempt = 0; events.length === 0; attempt++) {
      expect(attempt).toBeLessThan(50);
      const arrived = new Promise<void>((resolve) => (received = resolve));
      await raiseWorkflowRequest(o.editor);
      await Promise.race([arrived, new Promise((r) => setTimeout(r, 200))]);
    }
    const seen = events.length;
    await call({ as: o.owner }, `mutation($u: ID!) { setMemberStatus(userId: $u, status: DISABLED) { status } }`, { u: ids.demoted });
    // Raised after the disabling committed: its event follows the membership change on the same
    // stream, so the stream must end on the change and never carry it.
    await raiseWorkflowRequest(o.editor);
    await ended;
    expect(events.length).toBe(seen);
    // Ended by the server with the reason, as the error of the operation.
    expect(errors).toEqual([
      [
        {
          message: 'Your membership in this organization is no longer active, so this subscription has ended. Ask a member with the ADMIN and OWNER roles of this organization to re-enable it.',
          extensions: {
            code: 'FORBIDDEN',
            rule: 'membership.inactive',
            reason: 'Your membership in this organization is no longer active, so this subscription has ended.',
            nextStep: 'Ask a member with the ADMIN and OWNER roles of this organization to re-enable it.',
            approvers: ['ADMIN', 'OWNER'],
          },
        },
      ],
    ]);
  });
});

describe('the per-user socket cap', () => {
  it(`holds under ${CAP * 3} parallel connection_inits of one user`, async () => {
    const results = await Promise.all(Array.from({ length: CAP * 3 }, () => rawInit({ devUser: o.emails.capped })));
    expect(results.filter((r) => r.acked).length).toBe(CAP);
    expect(results.filter((r) => !r.acked).every((r) => r.code === 4429)).toBe(true);
    for (const r of results) r.socket.terminate();
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
    // Nothing of this user stays open: once the server has finished the checks it had queued, a
    // fresh socket is accepted (a leaked slot never frees, and the attempts run out).
    let fresh = await rawInit({ devUser: o.emails.racer });
    for (let attempt = 0; !fresh.acked && fresh.code === 4429 && attempt < 100; attempt++) {
      await new Promise((r) => setTimeout(r, 20));
      fresh = await rawInit({ devUser: o.emails.racer });
    }
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
  /**
   * Opens an SSE subscription and runs `during` once the response has started; reads until the
   * server ends the stream (a refusal ends it at once) or `during` has settled what it waits for.
   * Returns the raw text, and whether the server ended the stream.
   */
  async function sse(headers: Record<string, string>, during: (text: () => string) => Promise<unknown>, method = 'POST', endsWithin = 5000): Promise<{ status: number; text: string; ended: boolean }> {
    const controller = new AbortController();
    const init: RequestInit = { method, headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal };
    if (method === 'POST') {
      init.body = JSON.stringify({ query: EVENTS });
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const target = method === 'POST' ? '/graphql' : `/graphql?query=${encodeURIComponent(EVENTS)}`;
    const response = await server.app.fetch(target, init);
    let text = '';
    let ended = false;
    const reader = response.body?.getReader();
    const reading = (async () => {
      try {
        while (reader) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        ended = true;
      } catch {
        // aborted
      }
    })();
    await during(() => text);
    // A refused stream has ended by now or ends shortly; an open one is given a bounded while.
    await Promise.race([reading, new Promise((r) => setTimeout(r, endsWithin))]);
    controller.abort();
    await reader?.cancel().catch(() => undefined);
    await reading;
    return { status: response.status, text, ended };
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
      const r = await sse(headers, () => raiseWorkflowRequest(o.editor));
      if (delivered(r.text)) leaks.push(`${name}: ${r.text.slice(0, 300)}`);
      if (!r.ended) leaks.push(`${name}: the stream stayed open`);
      if (!/UNAUTHENTICATED|FORBIDDEN/.test(r.text) && r.status < 400) leaks.push(`${name}: no refusal (${r.status}) ${r.text.slice(0, 200)}`);
    }
    expect(leaks).toEqual([]);
  });

  it('a GET event stream without credentials delivers nothing', async () => {
    const r = await sse({}, () => raiseWorkflowRequest(o.editor), 'GET');
    expect(delivered(r.text)).toBe(false);
    expect(r.ended).toBe(true);
  });

  it('(control) an OWNER over SSE does receive events', async () => {
    // Raised until one arrives: the first may be published before the subscription is in place.
    const r = await sse({ 'x-dev-user': o.owner }, async (text) => {
      for (let attempt = 0; attempt < 50 && !delivered(text()); attempt++) {
        await raiseWorkflowRequest(o.editor);
        for (let wait = 0; wait < 10 && !delivered(text()); wait++) await new Promise((r) => setTimeout(r, 20));
      }
    }, 'POST', 0);
    expect(delivered(r.text)).toBe(true);
  });
});
