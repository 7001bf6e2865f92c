// graphql-ws on the same port and path as HTTP, through the same plugins and context.
import { createClient, type Client } from 'graphql-ws';
import { print } from 'graphql';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, type TestServer } from './harness.ts';
import { orgWithRoles, type OrgFixture } from './fixtures.ts';
import { AuditEvents, Login, Me } from './ops.ts';

let server: TestServer;
let o: OrgFixture;
let url: string;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startTestServer({ WS_INIT_TIMEOUT_MS: '500', WS_MAX_SOCKETS_PER_USER: '3' });
  o = await orgWithRoles(server, 'Sockets');
  url = `ws://127.0.0.1:${await server.app.start(0, '127.0.0.1')}/graphql`;
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await server?.close();
});

function connect(connectionParams: Record<string, unknown>) {
  const client = createClient({ url, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
  clients.push(client);
  return client;
}

function run(client: Client, query: string): Promise<{ data?: any; errors?: any[] }> {
  return new Promise((resolve, reject) => {
    let result: any;
    client.subscribe({ query }, { next: (r) => (result = r), error: reject, complete: () => resolve(result) });
  });
}

describe('graphql-ws', () => {
  it('authenticates from connectionParams and reads role per operation', async () => {
    const token = (await server.gql(Login, { email: o.admin, password: PASSWORD })).data!.login!.token!;
    const client = connect({ token });
    const me = await run(client, print(Me));
    expect(me.data.me.user.email).toBe(o.admin);
    expect(me.data.me.role).toBe('ADMIN');
    const audit = await run(client, print(AuditEvents));
    expect(audit.errors).toBeUndefined();
  });

  it('accepts the HTTP header names in connectionParams, in any case', async () => {
    const token = (await server.gql(Login, { email: o.editor, password: PASSWORD })).data!.login!.token!;
    const me = await run(connect({ Authorization: `Bearer ${token}`, 'X-Organization-Id': o.id }), print(Me));
    expect(me.data.me.user.email).toBe(o.editor);
    expect(me.data.me.role).toBe('EDITOR');
  });

  it('applies the same authorization as HTTP', async () => {
    const client = connect({ devUser: o.viewer });
    const audit = await run(client, print(AuditEvents));
    expect(audit.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('closes a socket whose token is not valid, and one without credentials, with 4401', async () => {
    await expect(run(connect({ token: 'not-a-token' }), print(Me))).rejects.toMatchObject({ code: 4401 });
    await expect(run(connect({}), print(Me))).rejects.toMatchObject({ code: 4401 });
    await expect(run(connect({ organizationId: o.id }), print(Me))).rejects.toMatchObject({ code: 4401 });
  });

  it('closes a socket that never sends connection_init', async () => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const closed = await new Promise<{ code: number; ms: number }>((resolve) => {
      const opened = Date.now();
      socket.on('close', (code) => resolve({ code, ms: Date.now() - opened }));
    });
    // WS_INIT_TIMEOUT_MS is 500 in this suite.
    expect(closed.code).toBe(4408);
    expect(closed.ms).toBeGreaterThanOrEqual(400);
  });

  it('caps the open sockets of one user, and frees a slot when one closes', async () => {
    // Eager clients keep their socket open while idle.
    const held = Array.from({ length: 3 }, () => {
      const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { devUser: o.owner }, retryAttempts: 0, lazy: false });
      clients.push(client);
      return client;
    });
    await Promise.all(held.map((c) => new Promise((resolve) => c.on('connected', resolve))));
    // WS_MAX_SOCKETS_PER_USER is 3 in this suite: a fourth socket of the same user is refused…
    await expect(run(connect({ devUser: o.owner }), print(Me))).rejects.toMatchObject({ code: 4429 });
    // …while another user still connects.
    expect((await run(connect({ devUser: o.viewer }), print(Me))).data.me.user.email).toBe(o.viewer);
    await held[0]!.dispose();
    // The slot frees once the server has seen the close: retried until then, a bounded number of times.
    let freed = await run(connect({ devUser: o.owner }), print(Me)).catch((error) => error);
    for (let attempt = 0; freed?.code === 4429 && attempt < 100; attempt++) {
      await new Promise((r) => setTimeout(r, 10));
      freed = await run(connect({ devUser: o.owner }), print(Me)).catch((error) => error);
    }
    expect(freed.data.me.user.email).toBe(o.owner);
  });
});
