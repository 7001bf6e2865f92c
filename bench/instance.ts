// A benchmark server in a child process (bench/server.ts), so its memory and CPU are its own.
import { fork, type ChildProcess } from 'node:child_process';

export interface Instance {
  child: ChildProcess;
  port: number;
  /** Sends a command over IPC and resolves with the child's answer. */
  call(message: Record<string, unknown>): Promise<any>;
  stop(): Promise<void>;
}

export function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = fork(new URL('./server.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])],
    env: {
      // Only the scenarios that ask for Redis get it.
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'REDIS_URL')),
      NODE_ENV: 'test',
      AUTH_DEV_HEADERS: '1',
      SEED_DEMO: '0',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-01',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let seq = 0;
  const pending = new Map<number, (v: any) => void>();
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    child.on('message', (m: any) => {
      if (m.ready) {
        resolve({
          child,
          port: m.port,
          call: (message) =>
            new Promise((res) => {
              const s = ++seq;
              pending.set(s, res);
              child.send({ ...message, seq: s });
            }),
          stop: () =>
            new Promise<void>((done) => {
              child.once('exit', () => done());
              child.send({ cmd: 'stop' });
            }),
        });
      } else if (pending.has(m.seq)) {
        pending.get(m.seq)!(m);
        pending.delete(m.seq);
      }
    });
  });
}
