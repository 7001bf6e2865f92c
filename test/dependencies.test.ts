// The dependency rules of docs/operating.md ("Installing"), checked on the lockfile: every direct
// dependency pinned to an exact version, every installed package within the range each dependent
// declares (an `overrides` entry may choose inside a range, never outside it), and every package's
// `engines.node` met by the Node running the tests (the machine's, 20). The one exception is
// named with its reason in npm-overrides/README.md.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));

interface Locked {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  engines?: { node?: string };
}
const packages: Record<string, Locked> = lock.packages;

/** `prisma dev` only: every published @prisma/streams-local needs Node 22 (node:sqlite); a stand-in is installed. */
const STAND_INS = new Set(['@prisma/streams-local']);

/** Where Node would find `name` required from the package at `from` (a lockfile key). */
export function resolveFrom(keys: ReadonlySet<string>, from: string, name: string): string | null {
  let at = from;
  for (;;) {
    const candidate = `${at ? `${at}/` : ''}node_modules/${name}`;
    if (keys.has(candidate)) return candidate;
    if (!at) return null;
    const cut = at.lastIndexOf('node_modules/');
    at = cut <= 0 ? '' : at.slice(0, cut - 1);
  }
}

/** Every edge whose installed version is outside the declared range, as `dependent@v -> name range (got v)`. */
export function edgesOutOfRange(all: Record<string, Locked>): string[] {
  const keys = new Set(Object.keys(all));
  const out: string[] = [];
  for (const [at, pkg] of Object.entries(all)) {
    for (const declared of [pkg.dependencies, pkg.optionalDependencies, pkg.peerDependencies]) {
      for (const [name, range] of Object.entries(declared ?? {})) {
        if (STAND_INS.has(name) || range.startsWith('file:') || range.startsWith('npm:')) continue;
        const target = resolveFrom(keys, at, name);
        const version = target ? all[target]!.version : undefined;
        if (version && !semver.satisfies(version, range, { includePrerelease: true }))
          out.push(`${at || 'the project'}@${pkg.version ?? ''} -> ${name} ${range} (got ${version})`);
      }
    }
  }
  return out;
}

describe('dependencies', () => {
  it('finds an edge out of range when there is one (the checker itself)', () => {
    expect(
      edgesOutOfRange({
        '': { dependencies: { a: '^1.0.0' } },
        'node_modules/a': { version: '1.2.0', dependencies: { b: '^2.0.0' } },
        'node_modules/b': { version: '1.9.0' },
        'node_modules/a/node_modules/b': { version: '2.1.0' },
        'node_modules/c': { version: '1.0.0', dependencies: { b: '^2.0.0' } },
      }),
    ).toEqual(['node_modules/c@1.0.0 -> b ^2.0.0 (got 1.9.0)']);
  });

  it('pins every direct dependency to an exact version', () => {
    const loose = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })
      .filter(([, spec]) => !String(spec).startsWith('file:') && semver.valid(String(spec)) === null)
      .map(([name, spec]) => `${name} ${spec}`);
    expect(loose).toEqual([]);
  });

  it('installs every package within the range its dependents declare', () => {
    expect(edgesOutOfRange(packages)).toEqual([]);
  });

  it("installs nothing whose engines exclude this machine's Node", () => {
    const excluded = Object.entries(packages)
      .filter(([at, pkg]) => at && pkg.engines?.node && !semver.satisfies(process.version, pkg.engines.node, { includePrerelease: true }))
      .map(([at, pkg]) => `${at}@${pkg.version} needs node ${pkg.engines!.node}`);
    expect(excluded).toEqual([]);
  });

  it('overrides nothing but to choose within ranges, and names each stand-in', () => {
    const standIns = Object.entries(manifest.overrides ?? {})
      .filter(([, spec]) => typeof spec === 'string' && spec.startsWith('$'))
      .map(([name]) => name);
    expect(standIns).toEqual([...STAND_INS]);
  });
});
