import { buildApp } from './src/app.ts';
import { loadConfig } from './src/config.ts';
import { createLogger } from './src/logger.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';
const url = process.argv[2]!;
const app = await buildApp(loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, JWT_SECRET: 'bench-secret-bench-secret-bench-secret-01', AUTH_DEV_HEADERS: '1', SEED_DEMO: '0', LOG_LEVEL: 'silent', MAX_COST: '100000' }), { log: createLogger('silent') });
const q = process.argv[3] === 'monthly'
  ? `query($id: ID!) { kpi(id: $id) { series(input: { bucket: MONTH, groupBy: ["region"] }) { groups { key points { period count sum avg } } } } }`
  : `query($id: ID!) { kpi(id: $id) { series(input: { groupBy: ["region", "product"] }) { groups { key total { count sum avg } } } } }`;
const body = JSON.stringify({ query: q, variables: { id: encodeGlobalID('Kpi', 'k3') } });
const one = async () => { const r = await app.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-dev-user': process.argv[4] ?? 'u7@peer.test' }, body }); const t = await r.text(); if (t.includes('errors')) throw new Error(t); };
for (let i = 0; i < 20; i++) await one();
const n = 200; const t0 = performance.now();
for (let i = 0; i < n; i++) await one();
console.log(process.argv[3] ?? 'grouped', url.slice(0, 40), ((performance.now() - t0) / n).toFixed(2), 'ms/request sequential');
await app.stop(); process.exit(0);
