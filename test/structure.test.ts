// The code's structure, checked: no import cycle among the sources, none among their folders
// either, and no import from a lower layer to a higher one (type-only imports count too, as they
// tie the files' meanings together); and no role compared as a string outside the files whose job
// is authorization (src/authz/ and the domains' policy.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

interface Import {
  from: string;
  to: string;
  line: number;
}

/** Every import of a project file by another (static imports, re-exports and module augmentations, type-only ones included). */
function importsOf(files: string[]): Import[] {
  const known = new Set(files);
  return files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return ts
      .preProcessFile(text, true, true)
      .importedFiles.filter((f) => f.fileName.startsWith('.'))
      .map((f) => ({ from: file, to: resolve(dirname(file), f.fileName), line: text.slice(0, f.pos).split('\n').length }))
      .filter((i) => known.has(i.to));
  });
}

/** file -> the project files it imports. */
function importGraph(imports: Import[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const { from, to } of imports) graph.set(from, [...(graph.get(from) ?? []), to]);
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself): Tarjan. */
export function cyclesOf(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/**
 * The layers, lowest first. A unit is a folder under src/ or a file at its top (named without
 * `.ts`): `jobs` is src/jobs.ts and src/jobs/ alike. A file may import its own unit, any unit of its
 * own layer (the folder-cycle check keeps those acyclic) or of a layer below; never one above.
 * The wiring is the top: it may import anything, and only the wiring imports it. Units named here
 * that do not exist yet are fine; a unit that exists and is named nowhere fails, so a new folder is
 * placed on purpose.
 */
const LAYERS: readonly (readonly string[])[] = [
  // Base: what everything may use, using nothing of ours but each other.
  ['config', 'logger', 'errors', 'clock', 'input-limits'],
  // The database and the authorization vocabulary (roles, capabilities, decisions).
  ['db', 'authz'],
  // The platform the domains build on: the shared services, pub/sub (whose topics the domains
  // declare), the request context, the schema builder and its shared pieces (connections, the
  // decision type), batched loads, the one way to stream.
  ['services', 'pubsub', 'context', 'builder', 'pagination', 'decision-schema', 'loaders', 'streams'],
  // The domains, each free to use those before it: every domain writes audit events; identity
  // owns users and members that the others refer to; kpis, pii and workflows raise approval
  // requests; workflows read KPIs; reviews review KPI access.
  ['audit'],
  ['identity'],
  ['approvals'],
  ['kpis'],
  ['pii'],
  ['workflows'],
  ['reviews'],
  // Around the domains: operations, limits, HTTP and graphql-ws transports, background jobs, the executor.
  ['ops', 'limits', 'http', 'ws', 'jobs', 'executor'],
  // The wiring: the schema's assembly, the app's composition (which registers approval kinds and
  // row filters), the entry point, yoga's configuration, the demo.
  ['schema', 'app', 'main', 'yoga', 'shutdown', 'demo'],
];

/**
 * Upward imports tolerated for now (`from -> to`, paths from the repository's root), each with the
 * move that removes it. An entry that no longer names an upward import fails, so the list only
 * shrinks; it is left out of every check, the folder graph's included.
 */
const ALLOWED_UPWARD: Readonly<Record<string, string>> = {};

/** The unit a source file belongs to: its folder under `srcDir`, or its own name at the top. */
export function unitOf(srcDir: string, file: string): string {
  const [first, ...rest] = relative(srcDir, file).split('/');
  return rest.length ? first : first.replace(/\.ts$/, '');
}

/** unit -> the other units its files import. */
export function unitGraph(srcDir: string, imports: readonly Import[]): Map<string, string[]> {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of imports) {
    const [a, b] = [unitOf(srcDir, from), unitOf(srcDir, to)];
    if (!graph.has(a)) graph.set(a, new Set());
    if (a !== b) graph.get(a)!.add(b);
  }
  return new Map([...graph].map(([unit, targets]) => [unit, [...targets].sort()]));
}

/** The imports that reach a higher layer than their file's, as `from:line -> to` (paths from `base`). */
export function upwardImports(srcDir: string, base: string, imports: readonly Import[], layers: readonly (readonly string[])[]): string[] {
  const layerOf = new Map(layers.flatMap((units, i) => units.map((unit) => [unit, i] as const)));
  return imports
    .filter((i) => (layerOf.get(unitOf(srcDir, i.to)) ?? -1) > (layerOf.get(unitOf(srcDir, i.from)) ?? Infinity))
    .map((i) => `${relative(base, i.from)}:${i.line} -> ${relative(base, i.to)}`);
}

/** The units of `files` that no layer names. */
export function unplacedUnits(srcDir: string, files: readonly string[], layers: readonly (readonly string[])[]): string[] {
  const placed = new Set(layers.flat());
  return [...new Set(files.map((f) => unitOf(srcDir, f)))].filter((unit) => !placed.has(unit)).sort();
}

const withoutLine = (upward: string) => upward.replace(/:\d+ -> /, ' -> ');

describe('structure', () => {
  const files = sources(src);
  const imports = importsOf(files);
  const upward = upwardImports(src, root, imports, LAYERS);
  const tolerated = new Set(upward.filter((u) => withoutLine(u) in ALLOWED_UPWARD));
  const checked = imports.filter((i) => !tolerated.has(`${relative(root, i.from)}:${i.line} -> ${relative(root, i.to)}`));

  it('finds a cycle when there is one (the checker itself)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cyclesOf(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('finds a cycle between folders whose files form none (the checker itself)', () => {
    const at = (path: string) => join(src, path);
    const synthetic = [
      { from: at('identity/members.ts'), to: at('approvals/core.ts'), line: 1 },
      { from: at('approvals/schema.ts'), to: at('identity/schema.ts'), line: 1 },
      { from: at('approvals/core.ts'), to: at('config.ts'), line: 1 },
    ];
    expect(cyclesOf(importGraph(synthetic))).toEqual([]);
    expect(unitGraph(src, synthetic)).toEqual(
      new Map([
        ['identity', ['approvals']],
        ['approvals', ['config', 'identity']],
      ]),
    );
    expect(cyclesOf(unitGraph(src, synthetic))).toEqual([['approvals', 'identity']]);
  });

  it('finds an import from a lower layer to a higher one, and an unplaced folder (the checker itself)', () => {
    const at = (path: string) => join(src, path);
    const layers = [['config'], ['identity'], ['approvals']];
    const synthetic = [
      { from: at('approvals/core.ts'), to: at('identity/members.ts'), line: 3 },
      { from: at('identity/members.ts'), to: at('approvals/core.ts'), line: 5 },
      { from: at('identity/members.ts'), to: at('identity/policy.ts'), line: 6 },
      { from: at('config.ts'), to: at('approvals/kinds.ts'), line: 9 },
      { from: at('audit/record.ts'), to: at('config.ts'), line: 2 },
    ];
    expect(upwardImports(src, root, synthetic, layers)).toEqual(['src/identity/members.ts:5 -> src/approvals/core.ts', 'src/config.ts:9 -> src/approvals/kinds.ts']);
    expect(unplacedUnits(src, synthetic.flatMap((i) => [i.from, i.to]), layers)).toEqual(['audit']);
  });

  it('has no import cycle among the sources', () => {
    const cycles = cyclesOf(importGraph(imports)).map((c) => c.map((f) => relative(root, f)));
    expect(cycles).toEqual([]);
  });

  it('has no import cycle among the folders', () => {
    expect(cyclesOf(unitGraph(src, checked))).toEqual([]);
  });

  it('places every folder and top-level file in a layer', () => {
    expect(unplacedUnits(src, files, LAYERS)).toEqual([]);
  });

  it('imports nothing from a higher layer', () => {
    expect(upward.filter((u) => !tolerated.has(u))).toEqual([]);
  });

  it('tolerates only upward imports that still exist', () => {
    const current = new Set(upward.map(withoutLine));
    expect(Object.keys(ALLOWED_UPWARD).filter((entry) => !current.has(entry))).toEqual([]);
  });

  it('compares roles as strings only in authorization files', () => {
    const comparison = /[!=]==\s*'(OWNER|ADMIN|EDITOR|VIEWER)'|'(OWNER|ADMIN|EDITOR|VIEWER)'\s*[!=]==|\.includes\(\s*'(OWNER|ADMIN|EDITOR|VIEWER)'/;
    const offenders = files
      .filter((f) => !f.startsWith(join(src, 'authz')) && !f.endsWith('/policy.ts'))
      .filter((f) => comparison.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });
});

describe('one way to audit', () => {
  it('appends audit events only through src/audit (auditedTransaction)', () => {
    const offenders = sources(src)
      .filter((f) => !f.startsWith(join(src, 'audit')))
      .filter((f) => /\bappendAuditEvent\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });
});

describe('one clock', () => {
  // Domain time comes from services.clock (src/clock.ts), which tests move. What reads the system
  // clock directly measures something else: a delivery latency, when a migration was applied.
  const SYSTEM_TIME = new Set(['src/clock.ts', 'src/ops/metrics.ts', 'src/db/migrate.ts']);
  const reading = /\bDate\.now\(\)|\bnew Date\(\)/;

  it('finds a direct read of the time when there is one (the checker itself)', () => {
    expect(['const t = Date.now();', 'at: new Date(),', 'new Date(value)', 'clock.now()'].map((line) => reading.test(line))).toEqual([true, true, false, false]);
  });

  it('reads the time only through the services’ clock', () => {
    const offenders = sources(src)
      .map((f) => relative(root, f))
      .filter((f) => !SYSTEM_TIME.has(f) && reading.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
