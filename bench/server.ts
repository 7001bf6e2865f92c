// A server instance for the benchmarks, in its own process so its memory is measured alone.
// Speaks over IPC: { cmd: 'memory' } → heap and RSS after GC; { cmd: 'raise', as } → opens a
// WORKFLOW request as that member; { cmd: 'token', as } → a session token of that user (what
// `login` returns). Seeds an organization of N deciders when BENCH_SEED_MEMBERS is set.
import { buildApp } from '../src/app.ts';
import { requestApproval } from '../src/approvals/core.ts';
import { requestGlobalId } from '../src/approvals/events.ts';
import type { ApprovalKindHandler } from '../src/approvals/kinds.ts';
import { loadConfig } from '../src/config.ts';
import { createContext, newRequestId, resolveCaller } from '../src/context.ts';
import { createOrganizationWith } from '../src/identity/bootstrap.ts';
import { hashPassword } from '../src/identity/passwords.ts';
import { signSessionToken } from '../src/identity/tokens.ts';

const benchKind: ApprovalKindHandler = { kind: 'WORKFLOW', summarize: () => 'bench request', apply: async () => {} };
const app = await buildApp(loadConfig(), { approvalKinds: [benchKind] });
const seed = Number(process.env.BENCH_SEED_MEMBERS ?? 0);
if (seed) {
  const passwordHash = await hashPassword('bench-password-0000');
  const members = [
    { email: 'requester@bench.test', role: 'EDITOR' as const, passwordHash },
    ...Array.from({ length: seed }, (_, i) => ({ email: `decider${i}@bench.test`, role: i % 2 ? ('ADMIN' as const) : ('OWNER' as const), passwordHash })),
  ];
  await createOrganizationWith(app.services.system, 'Bench', `bench-${Date.now()}`, members);
}
const port = await app.start(0, '127.0.0.1');

process.on('message', async (message: { cmd: string; as?: string; seq?: number }) => {
  if (message.cmd === 'memory') {
    for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    process.send!({ seq: message.seq, heapUsed, rss });
  } else if (message.cmd === 'raise') {
    const ctx = createContext(app.services, await resolveCaller(app.services, { devUser: message.as }), newRequestId(), 'bench');
    const row = await requestApproval(ctx, { kind: 'WORKFLOW' });
    process.send!({ seq: message.seq, id: requestGlobalId(row.id) });
  } else if (message.cmd === 'token') {
    const user = await app.services.system.user.findUniqueOrThrow({ where: { email: message.as! } });
    process.send!({ seq: message.seq, token: (await signSessionToken(app.services.keys, user.id)).token });
  } else if (message.cmd === 'stop') {
    await app.stop();
    process.exit(0);
  }
});
process.send!({ ready: true, port });
