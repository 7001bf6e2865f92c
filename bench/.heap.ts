// scratch: heap composition per subscriber
import { writeHeapSnapshot } from 'node:v8';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createOrganizationWith } from '../src/identity/bootstrap.ts';
import type { ApprovalKindHandler } from '../src/approvals/kinds.ts';
const N = Number(process.env.N ?? 1000);
const benchKind: ApprovalKindHandler = { kind: 'WORKFLOW', summarize: () => 'bench request', apply: async () => {} };
const app = await buildApp(loadConfig(), { approvalKinds: [benchKind] });
const { system } = app.services;
const org = await createOrganizationWith(system, 'Bench', `bench-${Date.now()}`, [{ email: 'requester@bench.test', role: 'EDITOR', passwordHash: 'x' }]);
const users = await system.user.createManyAndReturn({ data: Array.from({ length: N }, (_, i) => ({ email: `d${i}@b.test` })), select: { id: true, email: true } });
await system.membership.createMany({ data: users.map((u) => ({ organizationId: org.id, userId: u.id, role: 'OWNER' as const, status: 'ACTIVE' as const })) });
const port = await app.start(0, '127.0.0.1');
function agg(file: string) {
  const s = JSON.parse(readFileSync(file, 'utf8'));
  const f = s.snapshot.meta.node_fields; const nf = f.length; const types = s.snapshot.meta.node_types[0];
  const ti = f.indexOf('type'), ni = f.indexOf('name'), si = f.indexOf('self_size');
  const m = new Map<string, [number, number]>();
  for (let i = 0; i < s.nodes.length; i += nf) {
    const t = types[s.nodes[i + ti]]; const name = t === 'object' || t === 'closure' ? `${t}:${s.strings[s.nodes[i + ni]]}` : t;
    const e = m.get(name) ?? [0, 0]; e[0] += s.nodes[i + si]; e[1]++; m.set(name, e);
  }
  return m;
}
const gc = () => { for (let i = 0; i < 3; i++) (globalThis as any).gc(); };
gc(); const a = agg(writeHeapSnapshot('/tmp/prof/h1.heapsnapshot'));
const sockets: WebSocket[] = [];
for (let i = 0; i < N; i++) {
  sockets.push(await new Promise<WebSocket>((res) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { devUser: `d${i}@b.test` } })));
    ws.on('message', (d) => { const m = JSON.parse(String(d)); if (m.type === 'connection_ack') { ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { approvalEvents { type at request { id } } }' } })); setTimeout(() => res(ws), 1); } });
  }));
}
await new Promise((r) => setTimeout(r, 1000));
gc(); const b = agg(writeHeapSnapshot('/tmp/prof/h2.heapsnapshot'));
const rows = [...b].map(([k, [size, count]]) => [k, size - (a.get(k)?.[0] ?? 0), count - (a.get(k)?.[1] ?? 0)] as const).sort((x, y) => y[1] - x[1]);
let total = 0; for (const r of rows) total += r[1];
console.log('total per subscriber', (total / N).toFixed(0), 'bytes');
for (const [k, size, count] of rows.slice(0, 45)) console.log((size / N).toFixed(0).padStart(6), (count / N).toFixed(2).padStart(7), k);
for (const ws of sockets) ws.terminate();
await app.stop(); process.exit(0);
