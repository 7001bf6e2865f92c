// Reads the configuration and listens: `npm start` (compiled to dist/main.js by `npm run build`).
// Every refusal to start (a bad setting, an empty production database) is one message naming what
// to set, and exit code 1.
import './ops/node-version.ts';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { listeningOn } from './logger.ts';

function refuse(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  refuse(error);
}
const app = await buildApp(config).catch(refuse);
const port = await app.start();
const log = app.services.log;
log.info(`Governance API listening on ${listeningOn(config.HOST, port, '/graphql')} (${config.provider}${config.REDIS_URL ? ', Redis pub/sub' : ''})`);

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
