// The README and docs/*.md name files that must exist, links that must resolve, and the README
// stays short. What counts as a named path:
//  - every whitespace-separated word of an inline code span (`…`), and every relative link target
//    ([text](target), images included), outside fenced code blocks (those hold commands, output and
//    client code, whose paths belong to other machines or projects);
//  - a word is a path when it starts with one of the repository's folders below, optionally after
//    `./` (so `../shared/bench/postgraphile`, outside the repository, is not one);
//  - trailing punctuation and a `:line` suffix are dropped; a path with a `dist` segment is build
//    output (not in git) and is not checked;
//  - a pattern is checked too, never skipped: `*` stands for part of one segment, `**` for any
//    depth, and a placeholder in angle brackets (`src/<domain>/`, `prisma/<provider>/`) for one
//    whole segment; the pattern must match at least one file or folder.
// Links: a relative link resolves to a file from the page's folder, and its #anchor, if any, to a
// heading of that file (GitHub's slugs). JavaScript and TypeScript snippets live on
// docs/frontend.md only, where test/frontend-snippets.test.ts runs every one of them.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const ROOTS = ['src', 'test', 'scripts', 'bench', 'prisma', 'console', 'docs', 'npm-overrides', '.ci'];
const MAX_README_LINES = 260;

const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (page: string) => readFileSync(join(root, page), 'utf8');
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');

/** The words of inline code spans and the targets of links that name a repository path. */
export function namedPaths(markdown: string): string[] {
  const text = prose(markdown);
  const words = [
    ...[...text.matchAll(/`([^`\n]+)`/g)].flatMap(([, code]) => code!.split(/\s+/)),
    ...[...text.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target!.split('#')[0]!),
  ];
  const paths = words
    .map((w) => w.replace(/^[('"[]+/, '').replace(/:\d+$/, '').replace(/[)'",;:.\]]+$/, '').replace(/^\.\//, ''))
    .filter((w) => ROOTS.some((r) => w === r || w.startsWith(`${r}/`)))
    .filter((w) => !w.split('/').includes('dist'));
  return [...new Set(paths)];
}

/** Every file and folder of the repository under the checked folders, relative to the root. */
function repositoryPaths(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = `${dir}/${entry.name}`;
      found.push(entry.isDirectory() ? `${path}/` : path);
      if (entry.isDirectory()) walk(path);
    }
  };
  for (const r of ROOTS) if (existsSync(join(root, r))) walk(r);
  return found;
}

const isPattern = (path: string) => /[*<>]/.test(path);

function patternRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split(/(\*\*|\*|<[^>/]+>)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : /^<[^>/]+>$/.test(part) ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${escaped}${pattern.endsWith('/') ? '' : '/?'}$`);
}

/** The named paths of a page that do not exist (a pattern: that match nothing). */
export function missingPaths(markdown: string, existing: string[]): string[] {
  return namedPaths(markdown).filter((path) => {
    if (isPattern(path)) return !existing.some((p) => patternRegExp(path).test(p));
    if (!existsSync(join(root, path))) return true;
    return path.endsWith('/') && !statSync(join(root, path)).isDirectory();
  });
}

/** GitHub's anchor of a heading: lower case, markup and punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const anchorsOf = (markdown: string) => new Set(prose(markdown).match(/^#{1,6} .*$/gm)?.map((h) => slug(h.replace(/^#+ /, '').trim())) ?? []);

/** Relative links of a page that lead nowhere: a missing file, or an anchor with no heading. */
function brokenLinks(page: string): string[] {
  const text = prose(read(page));
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, target]) => target!)
    .filter((target) => !/^[a-z]+:/i.test(target))
    .filter((target) => {
      const [file, anchor] = target.split('#') as [string, string | undefined];
      const resolved = file ? relative(root, join(root, dirname(page), file)) : page;
      if (!existsSync(join(root, resolved))) return true;
      if (!anchor) return false;
      return !resolved.endsWith('.md') || !anchorsOf(read(resolved)).has(anchor);
    });
}

describe('the documentation', () => {
  it('reads its paths as the header says', () => {
    const sample = [
      '`src/app.ts` and (`src/kpis/policy.ts`), `src/kpis/` `npm run build` `console/dist/` `../shared/bench/postgraphile`',
      '`test/*-concurrency.test.ts` `prisma/<provider>/migrations` `src/db/tenant.ts:12`, [a](docs/errors.md#error-codes)',
      '```sh\nnode src/not-checked.ts\n```',
    ].join('\n');
    expect(namedPaths(sample)).toEqual([
      'src/app.ts',
      'src/kpis/policy.ts',
      'src/kpis/',
      'test/*-concurrency.test.ts',
      'prisma/<provider>/migrations',
      'src/db/tenant.ts',
      'docs/errors.md',
    ]);
    const existing = repositoryPaths();
    expect(missingPaths('`src/<domain>/policy.ts` `test/*-concurrency.test.ts` `src/no-such-file.ts` `src/<domain>/nothing.ts` `src/app.ts/`', existing)).toEqual([
      'src/no-such-file.ts',
      'src/<domain>/nothing.ts',
      'src/app.ts/',
    ]);
    expect(slug('Customers and leads (PII)')).toBe('customers-and-leads-pii');
    expect(slug('`kpis`: KPI row-level security under load')).toBe('kpis-kpi-row-level-security-under-load');
  });

  it('names only source paths that exist', () => {
    const existing = repositoryPaths();
    const missing = pages.flatMap((page) => missingPaths(read(page), existing).map((path) => `${page}: ${path}`));
    expect(missing).toEqual([]);
  });

  it('links the README to docs pages that exist, and every page to files and headings that exist', () => {
    const readmeLinks = [...prose(read('README.md')).matchAll(/\]\((docs\/[^)\s]+)\)/g)].map(([, t]) => t!);
    expect(readmeLinks.filter((t) => t.endsWith('.md') || t.includes('.md#')).length).toBeGreaterThanOrEqual(9);
    expect(pages.flatMap((page) => brokenLinks(page).map((target) => `${page}: ${target}`))).toEqual([]);
  });

  it('keeps client code on docs/frontend.md, whose snippets test/frontend-snippets.test.ts runs', () => {
    const withCode = pages.filter((page) => /^```(js|javascript|ts|typescript|mjs|jsx|tsx)\b/m.test(read(page)));
    expect(withCode).toEqual(['docs/frontend.md']);
  });

  it('keeps the README short', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(MAX_README_LINES);
  });

  it('reaches every docs page from the README', () => {
    const linked = new Set([...prose(read('README.md')).matchAll(/\]\((docs\/[^)#\s]+\.md)/g)].map(([, t]) => t!));
    expect(pages.filter((p) => p.startsWith('docs/') && !linked.has(p))).toEqual([]);
  });
});
