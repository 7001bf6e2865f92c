// No demo code in the production build: `npm run build` compiles what tsconfig.build.json lists
// and every file those import (tsc follows static, type and literal dynamic imports alike), so
// src/demo stays out only if it is excluded and nothing outside it names it. The app loads it by a
// path tsc does not follow, when bootstrap seeds the demo, which production refuses.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const root = resolve(import.meta.dirname, '..');
const demo = join(root, 'src', 'demo');
const inDemo = (file: string) => file.startsWith(`${demo}/`);

/** The files tsc -p tsconfig.build.json starts from. */
function buildRoots(): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!parsed) throw new Error('tsconfig.build.json could not be read');
  return parsed.fileNames.map((f) => resolve(f));
}

/** Every project file reachable from `roots` by relative imports, as tsc would compile them. */
function reachable(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), fileName);
      if (existsSync(target)) visit(target);
    }
  };
  roots.forEach(visit);
  return seen;
}

describe('the production build', () => {
  it('starts from no file of src/demo', () => {
    const roots = buildRoots();
    expect(roots).toContain(join(root, 'src', 'main.ts'));
    expect(roots.filter(inDemo)).toEqual([]);
  });

  it('reaches no file of src/demo through imports (the sources alone do reach it)', () => {
    const compiled = [...reachable(buildRoots())];
    expect(compiled.filter(inDemo).map((f) => relative(root, f))).toEqual([]);
    // The walk does follow imports: src/demo's own files reach each other and the domains.
    const fromDemo = [...reachable([join(demo, 'index.ts')])].map((f) => relative(root, f));
    expect(fromDemo).toEqual(expect.arrayContaining(['src/demo/governance.ts', 'src/demo/reviews.ts', 'src/kpis/scopes.ts']));
  });

  it('refuses SEED_DEMO in production, naming it', () => {
    const signingKey = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), AUDIT_KEY: 'a'.repeat(32), AUDIT_SIGNING_KEY: signingKey(), DATABASE_URL: 'file:/tmp/never.db' };
    expect(() => loadConfig({ ...production, SEED_DEMO: '1' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, SEED_DEMO: '1' })).toThrow(
      'Invalid configuration:\n  SEED_DEMO: is refused when NODE_ENV=production: the production build has no demo seeding',
    );
    expect(loadConfig(production).SEED_DEMO).toBe(false);
  });
});
