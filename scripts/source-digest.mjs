// A digest of what `npm run build` compiles (src/, generated Prisma clients included, and the build
// settings), so that a production start can tell a dist/ built from other sources. The demo
// seeding (src/demo) is not built, so it is not part of the digest either.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const BUILD_INFO = 'dist/build-info.json';
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json'];

function files(root, path) {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((p) => !p.startsWith(join('src', 'demo') + sep));
}

/** Null when the sources are not there (an image that ships dist/ alone). */
export function sourceDigest(root) {
  if (!existsSync(join(root, 'src'))) return null;
  const hash = createHash('sha256');
  for (const path of INPUTS.flatMap((p) => files(root, p)).sort()) {
    hash.update(`${path}\0`);
    hash.update(readFileSync(join(root, path)));
    hash.update('\0');
  }
  return hash.digest('hex');
}
