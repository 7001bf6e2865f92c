// scratch: CPU profile of fan-out (server and clients in one process; client frames are ws/JSON)
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import WebSocket from 'ws';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createOrganizationWith } from '../src/identity/bootstrap.ts';
import type { ApprovalKindHandler } from '../src/approvals/kinds.ts';
import { requestApproval } from '../src/approvals/core.ts';
import { createContext, newRequestId, resolveCaller } from '../src/context.ts';
const N = Number(process.env.N ?? 1000);
const benchKind: ApprovalKindHandler = { kind: 'WORKFLOW', summarize: () => 'bench request', apply: async () => {} };
const app = await buildApp(loadConfig(), { approvalKinds: [benchKind] });
const { system } = app.services;
const org = await createOrganizationWith(system, 'Bench', `bench-${Date.now()}`, [{ email: 'requester@bench.test', role: 'EDITOR', passwordHash: 'x' }]);
const users = await system.user.createManyAndReturn({ data: Array.from({ length: N }, (_, i) => ({ email: `d${i}@b.test` })), select: { id: true, email: true } });
await system.membership.createMany({ data: users.map((u, i) => ({ organizationId: org.id, userId: u.id, role: i % 2 ? 'OWNER' as const : 'ADMIN' as const, status: 'ACTIVE' as const })) });
const port = await app.start(0, '127.0.0.1');
let got = 0;
for (let i = 0; i < N; i++) {
  await new Promise<WebSocket>((res) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { devUser: `d${i}@b.test` } })));
    ws.on('message', (d) => { const m = JSON.parse(String(d)); if (m.type === 'connection_ack') { ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { approvalEvents { type at request { id } } }' } })); setTimeout(() => res(ws), 1); } else if (m.type === 'next') got++; });
  });
}
const raise = async () => { const ctx = createContext(app.services, await resolveCaller(app.services, { devUser: 'requester@bench.test' }), newRequestId(), 'bench'); const start = got; await requestApproval(ctx, { kind: 'WORKFLOW' }); while (got - start < N) await new Promise((r) => setImmediate(r)); };
await raise(); await raise();
const session = new Session(); session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.start');
const t = performance.now();
for (let i = 0; i < 20; i++) await raise();
console.log('ms per event (server + clients in one process)', ((performance.now() - t) / 20).toFixed(1));
const { profile } = await session.post('Profiler.stop');
writeFileSync('/tmp/prof/out/server.cpuprofile', JSON.stringify(profile));
process.exit(0);
