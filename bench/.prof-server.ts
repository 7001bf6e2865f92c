import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { signSessionToken } from '../src/identity/tokens.ts';
const app = await buildApp(loadConfig());
const port = await app.start(0, '127.0.0.1');
const token = async (email: string) => (await signSessionToken(app.services.keys, (await app.services.system.user.findUniqueOrThrow({ where: { email } })).id)).token;
console.log(JSON.stringify({ port, u7: await token('u7@peer.test'), owner: await token('owner@peer.test'), one: await token('one-scope@peer.test'), many: await token('many-scopes@peer.test') }));
const session = new Session();
session.connect();
process.on('SIGUSR2', async () => { await session.post('Profiler.enable'); await session.post('Profiler.start'); });
process.on('SIGTERM', async () => {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync('/tmp/prof/out/server.cpuprofile', JSON.stringify(profile));
  await app.stop(); process.exit(0);
});
