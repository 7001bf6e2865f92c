// `npm start`. With NODE_ENV=production: the compiled server (dist/main.js, from `npm run build`),
// refusing to start one built from other sources than src/. Otherwise: the sources through tsx,
// after building the approvals console, as a fresh clone's `npm install && npm start` expects.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUILD_INFO, sourceDigest } from './source-digest.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const refuse = (message) => {
  console.error(message);
  process.exit(1);
};

if (process.env.NODE_ENV === 'production') {
  if (!existsSync(join(root, 'dist/main.js'))) refuse('NODE_ENV=production runs the compiled server, and dist/main.js does not exist: run `npm run build` first.');
  const built = existsSync(join(root, BUILD_INFO)) ? JSON.parse(readFileSync(join(root, BUILD_INFO), 'utf8')).sources : undefined;
  const current = sourceDigest(root);
  if (current !== null && built !== current)
    refuse('dist/ was built from other sources than those in src/ (they changed since `npm run build`, or it was not built by it): run `npm run build` again.');
  await import(pathToFileURL(join(root, 'dist/main.js')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { buildConsole } = await import(pathToFileURL(join(root, 'console/build.ts')).href);
  await buildConsole();
  await import(pathToFileURL(join(root, 'src/main.ts')).href);
}
