// Builds the approvals console into console/dist/ (served at /console by src/http/console.ts):
// Preact, graphql-ws and the console's sources bundled by esbuild into one script and one style
// sheet, nothing loaded from elsewhere. `npm run build:console` (`-- --watch` to rebuild on change);
// `npm start` and `npm test` run it first.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_SOURCE = join(root, 'src');
export const CONSOLE_DIST = join(root, 'dist');
/** The files that are copied as they are, beside the bundle. */
const STATIC_FILES = ['index.html', 'favicon.svg'];

const options = (outdir: string): esbuild.BuildOptions => ({
  entryPoints: { app: join(CONSOLE_SOURCE, 'main.tsx') },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome111', 'firefox115', 'safari16.4'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'eof',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});

/**
 * Replaces a file in one step, so a server (or a concurrent build: several test files build at
 * once) never reads half of one.
 */
function writeAtomically(path: string, contents: Uint8Array | string) {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

function copyStatic(outdir: string) {
  for (const name of STATIC_FILES) {
    const temporary = join(outdir, `${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    copyFileSync(join(CONSOLE_SOURCE, name), temporary);
    renameSync(temporary, join(outdir, name));
  }
}

/** Builds once; resolves with the names of the files written. */
export async function buildConsole(outdir = CONSOLE_DIST): Promise<string[]> {
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({ ...options(outdir), write: false });
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  copyStatic(outdir);
  return [...result.outputFiles.map((f) => basename(f.path)), ...STATIC_FILES].sort();
}

async function watch(outdir = CONSOLE_DIST) {
  mkdirSync(outdir, { recursive: true });
  copyStatic(outdir);
  const context = await esbuild.context({
    ...options(outdir),
    plugins: [{ name: 'report', setup: (build) => build.onEnd((r) => console.log(`console rebuilt (${r.errors.length} errors)`)) }],
  });
  await context.watch();
  console.log(`watching ${CONSOLE_SOURCE} (index.html and favicon.svg are copied at start)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--watch')) await watch();
  else {
    const started = performance.now();
    const files = await buildConsole();
    console.log(`console built into ${CONSOLE_DIST} (${files.join(', ')}) in ${Math.round(performance.now() - started)} ms`);
  }
}
