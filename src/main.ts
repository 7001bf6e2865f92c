// Reads the configuration and listens: `npm start` (compiled to dist/main.js by `npm run build`).
// Every refusal to start (a bad setting, an empty production database) is one message naming what
// to set, and exit code 1.
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

function refuse(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) refuse(new ConfigError(`Node ${process.versions.node} is too old: this server needs Node 20.19 or newer (package.json "engines").`));

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  refuse(error);
}
const app = await buildApp(config).catch(refuse);
const port = await app.start();
const log = app.services.log;
log.info(`Governance API listening on http://localhost:${port}/graphql (${config.provider}${config.REDIS_URL ? ', Redis pub/sub' : ''})`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: ending subscriptions, finishing requests in flight');
    app.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
