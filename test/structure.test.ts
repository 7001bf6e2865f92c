// The code's structure, checked: no import cycles among the sources (type-only imports count too,
// as they tie the files' meanings together), and no role compared as a string outside the files
// whose job is authorization (src/authz/ and the domains' policy.ts).
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

/** file -> the project files it imports (static imports and re-exports, type-only ones included). */
function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      const targets = importedFiles
        .map((f) => f.fileName)
        .filter((name) => name.startsWith('.'))
        .map((name) => resolve(dirname(file), name))
        .filter((path) => known.has(path));
      return [file, targets];
    }),
  );
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

describe('structure', () => {
  it('finds a cycle when there is one (the checker itself)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cyclesOf(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('has no import cycle among the sources', () => {
    const cycles = cyclesOf(importGraph(sources(src))).map((c) => c.map((f) => relative(root, f)));
    expect(cycles).toEqual([]);
  });

  it('compares roles as strings only in authorization files', () => {
    const comparison = /[!=]==\s*'(OWNER|ADMIN|EDITOR|VIEWER)'|'(OWNER|ADMIN|EDITOR|VIEWER)'\s*[!=]==|\.includes\(\s*'(OWNER|ADMIN|EDITOR|VIEWER)'/;
    const offenders = sources(src)
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
