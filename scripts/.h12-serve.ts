import { startTestServer } from '../test/harness.ts';
const server = await startTestServer({ SEED_DEMO: '0', ...(process.env.CORS ? { CORS_ORIGINS: process.env.CORS } : {}) });
const port = await server.app.start(Number(process.env.P), '127.0.0.1');
console.log('listening', port);
