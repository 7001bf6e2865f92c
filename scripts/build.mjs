// `npm run build`: the production build. Compiles src/ into dist/ with tsc (type errors fail the
// build), builds the approvals console into console/dist/, and records the sources' digest so that
// `npm start` in production refuses a dist/ that no longer matches them.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_INFO, sourceDigest } from './source-digest.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });

const started = performance.now();
const digest = sourceDigest(root);
rmSync(join(root, 'dist'), { recursive: true, force: true });
run([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
run(['--import', 'tsx', 'console/build.ts']);
writeFileSync(join(root, BUILD_INFO), `${JSON.stringify({ sources: digest, builtAt: new Date().toISOString(), node: process.versions.node }, null, 2)}\n`);
console.log(`built dist/ in ${Math.round(performance.now() - started)} ms: run it with NODE_ENV=production npm start (or node dist/main.js)`);
