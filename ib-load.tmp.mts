import pg from 'pg';
import { join } from 'node:path';
import { loadPeerData } from '/work/wt/importbench/bench/peer-data.ts';
const [dir, port] = [process.argv[2]!, Number(process.argv[3])];
const sock = join(dir, 'pgsock');
const admin = new pg.Client({ host: sock, port, user: 'postgres', database: 'postgres' });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS gov_peer WITH (FORCE)'); await admin.query('CREATE DATABASE gov_peer'); const { rmSync } = await import('node:fs'); for (const f of ['ours.db', 'ours.db-wal', 'ours.db-shm']) rmSync(join(dir, f), { force: true });
await admin.end();
for (const url of [`postgresql://postgres@localhost/gov_peer?host=${encodeURIComponent(sock)}&port=${port}`, `file:${join(dir, 'ours.db')}`]) {
  const t = performance.now();
  console.log(url, await loadPeerData(url, join(dir, 'data')), ((performance.now() - t) / 1000).toFixed(1), 's');
}
process.exit(0);
