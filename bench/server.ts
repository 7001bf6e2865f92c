// A server instance for the benchmarks, in its own process so its memory is measured alone.
// Speaks over IPC: { cmd: 'memory' } → heap and RSS after GC; { cmd: 'raise', as } → opens a
// WORKFLOW request as that member; { cmd: 'token', as } → a session token of that user (what
// `login` returns); { cmd: 'profile-start' | 'profile-stop', file } → a CPU profile. Seeds an
// organization of N deciders when BENCH_SEED_MEMBERS is set.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { buildApp } from '../src/app.ts';
import { requestApproval } from '../src/approvals/core.ts';
import { requestGlobalId } from '../src/approvals/events.ts';
import type { ApprovalKindHandler } from '../src/approvals/kinds.ts';
import { loadConfig } from '../src/config.ts';
import { createContext, newRequestId } from '../src/context.ts';
import { resolveCaller } from '../src/identity/caller.ts';
import { createOrganizationWith } from '../src/identity/bootstrap.ts';
import { hashPassword } from '../src/identity/passwords.ts';
import { signSessionToken } from '../src/identity/tokens.ts';

const benchKind: ApprovalKindHandler = { kind: 'WORKFLOW', summarize: () => 'bench request', apply: async () => {} };
const app = await buildApp(loadConfig(), { approvalKinds: [benchKind] });
const seed = Number(process.env.BENCH_SEED_MEMBERS ?? 0);
if (seed) {
  // The requester through the usual path; the deciders (up to tens of thousands) in bulk.
  const passwordHash = await hashPassword('bench-password-0000', 'standard');
  const { system } = app.services;
  const org = await createOrganizationWith(system, app.services.clock, 'Bench', `bench-${Date.now()}`, [{ email: 'requester@bench.test', role: 'EDITOR', passwordHash }]);
  for (let from = 0; from < seed; from += 1000) {
    const count = Math.min(1000, seed - from);
    const users = await system.user.createManyAndReturn({
      data: Array.from({ length: count }, (_, i) => ({ email: `decider${from + i}@bench.test`, passwordHash })),
      select: { id: true, email: true },
    });
    await system.membership.createMany({
      data: users.map((u) => ({ organizationId: org.id, userId: u.id, role: Number(/\d+/.exec(u.email)![0]) % 2 ? ('ADMIN' as const) : ('OWNER' as const), status: 'ACTIVE' as const })),
    });
  }
}
const port = await app.start(0, '127.0.0.1');

let profiler: Session | undefined;
process.on('message', async (message: { cmd: string; as?: string; seq?: number; file?: string }) => {
  if (message.cmd === 'memory') {
    for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    process.send!({ seq: message.seq, heapUsed, rss });
  } else if (message.cmd === 'raise') {
    const ctx = createContext(app.services, await resolveCaller(app.services, { devUser: message.as }), newRequestId(), 'bench');
    const row = await requestApproval(ctx, { kind: 'WORKFLOW' });
    process.send!({ seq: message.seq, id: requestGlobalId(row.id) });
  } else if (message.cmd === 'profile-start') {
    // BENCH_PROFILE: a CPU profile of the measured part only (bench/fanout.ts asks for it).
    profiler ??= new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    process.send!({ seq: message.seq });
  } else if (message.cmd === 'profile-stop') {
    const { profile } = await profiler!.post('Profiler.stop');
    writeFileSync(message.file!, JSON.stringify(profile));
    profiler!.disconnect();
    process.send!({ seq: message.seq });
  } else if (message.cmd === 'token') {
    const user = await app.services.system.user.findUniqueOrThrow({ where: { email: message.as! } });
    process.send!({ seq: message.seq, token: (await signSessionToken(app.services.keys, user.id, app.services.clock.now())).token });
  } else if (message.cmd === 'stop') {
    await app.stop();
    process.exit(0);
  }
});
process.send!({ ready: true, port });
