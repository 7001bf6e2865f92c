// The start log names the address the server is bound to: HOST=127.0.0.1 is reached at
// 127.0.0.1 (not "localhost", which may resolve to ::1 first), HOST=0.0.0.0 on every interface.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from './harness.ts';
import { spawnServer, type RunningServer } from './server-process.ts';

let database: TestDatabase;
const running: RunningServer[] = [];
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  for (const server of running) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await database?.drop();
});

const start = async (host: string) => {
  const server = await spawnServer(['--import', 'tsx', 'src/main.ts'], {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    PORT: '0',
    HOST: host,
    LOG_LEVEL: 'info',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    SEED_DEMO: '0',
    PASSWORD_HASH_COST: 'test',
  });
  running.push(server);
  return { port: server.port, line: server.output().split('\n').find((l) => l.includes('listening on'))! };
};

const provider = () => (database.url.startsWith('file:') ? 'sqlite' : 'postgresql');

describe('the start log', () => {
  it('names 127.0.0.1 when bound to it, and says "all interfaces" for 0.0.0.0', { timeout: 120_000 }, async () => {
    const loopback = await start('127.0.0.1');
    expect(JSON.parse(loopback.line).msg).toBe(`Governance API listening on http://127.0.0.1:${loopback.port}/graphql (${provider()})`);
    expect((await fetch(`http://127.0.0.1:${loopback.port}/health`)).status).toBe(200);
    const everywhere = await start('0.0.0.0');
    expect(JSON.parse(everywhere.line).msg).toBe(
      `Governance API listening on all interfaces (0.0.0.0), port ${everywhere.port}: http://localhost:${everywhere.port}/graphql from this machine (${provider()})`,
    );
    expect((await fetch(`http://localhost:${everywhere.port}/health`)).status).toBe(200);
  });
});
