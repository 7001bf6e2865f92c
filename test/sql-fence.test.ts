// One fenced SQL path: raw SQL is written only in src/db/sql/, whose statements take the tenant as
// a required parameter. Everything else reads and writes through the tenant-scoped Prisma client,
// which confines every query to the caller's organization and refuses raw SQL.
//
// Scanned: src/**/*.ts and scripts/*.{ts,mjs}, without tests and the generated Prisma clients. The
// scan reads the syntax tree (TypeScript's parser), so comments never count and a statement split
// over a template's `${}` or a `+` chain is read whole. It looks for: the driver's `.all(`/`.all<`
// (any `.all` call but `Promise.all`), Prisma's `$queryRaw`/`$executeRaw` families and
// `Prisma.sql`/`raw`/`join`, and SQL in string and template literals (SELECT … FROM, INSERT INTO,
// UPDATE … SET, DELETE FROM, DDL, a literal starting with SELECT).
//
// Excluded, and why (each exclusion must still hold raw SQL, so none outlives its reason):
// - src/db/client.ts: the driver itself. It runs the statements it is handed (its `.all` is
//   better-sqlite3's and pg's) and writes none.
// - src/db/migrate.ts: the schema path, not the data path. It applies prisma/migrations/*.sql and
//   records them in `_prisma_migrations` before the server serves anyone: no tenant, no business
//   row. Migration SQL files (prisma/migrations) are not TypeScript and are not scanned either.
// - src/ops/tracing.ts: wraps the driver to time each statement; forwards them, writes none.
// - src/approvals/stream.ts: pending. Its audience statement moves to src/db/sql/members.ts on the
//   streams branch; once merged this exclusion has no finding left and the test below says to
//   remove it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const FENCE = 'src/db/sql/';

const EXCLUDED: Record<string, string> = {
  'src/db/client.ts': 'the driver: runs the statements it is handed',
  'src/db/migrate.ts': 'the schema path: applies and records migrations, before any tenant',
  'src/ops/tracing.ts': 'wraps the driver to time statements',
};

function files(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' || name === 'node_modules' ? [] : files(path, keep);
    return keep(path) ? [relative(root, path)] : [];
  });
}

const scanned = () => [
  ...files(join(root, 'src'), (p) => p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts')),
  ...files(join(root, 'scripts'), (p) => /\.(ts|mjs)$/.test(p) && !/\.d\.m?ts$/.test(p)),
];

export interface Finding {
  line: number;
  rule: string;
  text: string;
}

/**
 * SQL keywords, matched when written all upper case or all lower case as SQL is: prose such as
 * "Select a value from the list" mixes cases and is not SQL. (Only lower-case escapes and `[^]`
 * in the sources, so that lower-casing a pattern changes only its keywords.)
 */
const sqlPattern = (source: string) => [new RegExp(source), new RegExp(source.toLowerCase())];
const SQL_TEXT: [string, RegExp[]][] = [
  ['SELECT … FROM', sqlPattern('\\bSELECT\\b[^]*\\bFROM\\b')],
  ['SELECT', sqlPattern('^\\s*SELECT\\s')],
  ['INSERT INTO', sqlPattern('\\bINSERT\\s+(OR\\s+\\w+\\s+)?INTO\\b')],
  ['UPDATE … SET', sqlPattern('\\bUPDATE\\s+[\\w"`.$?]+\\s+SET\\b')],
  ['DELETE FROM', sqlPattern('\\bDELETE\\s+FROM\\b')],
  ['DDL', sqlPattern('\\b(CREATE|DROP|ALTER|TRUNCATE)\\s+(TABLE|INDEX|TRIGGER|VIEW|SCHEMA)\\b')],
];
const RAW_PRISMA = /^\$(query|execute)Raw(Unsafe|Typed)?$/;
const PRISMA_SQL_HELPERS = new Set(['sql', 'raw', 'join']);

/** The text of a literal, a template (its holes as `?`) or a `+` chain of them; null for anything else. */
function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => `?${s.literal.text}`).join('');
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalText(node.left);
    const right = literalText(node.right);
    if (left === null && right === null) return null;
    return `${left ?? '?'}${right ?? '?'}`;
  }
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  return null;
}

/** Where a source text writes raw SQL. */
export function rawSqlIn(fileName: string, text: string): Finding[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('.mjs') ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const found: Finding[] = [];
  const report = (node: ts.Node, rule: string) =>
    found.push({ line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, rule, text: node.getText(file).replace(/\s+/g, ' ').slice(0, 80) });
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && RAW_PRISMA.test(node.text)) report(node, 'Prisma raw query');
    if (ts.isPropertyAccessExpression(node)) {
      const target = node.expression;
      if (ts.isIdentifier(target) && target.text === 'Prisma' && PRISMA_SQL_HELPERS.has(node.name.text)) report(node, `Prisma.${node.name.text}`);
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'all' && !(ts.isIdentifier(callee.expression) && callee.expression.text === 'Promise'))
        report(node, 'driver .all');
    }
    // A `+` chain is read as a whole at its top, not once more per piece.
    const parent = node.parent;
    const inChain = parent && ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.PlusToken && literalText(parent) !== null;
    const literal = inChain ? null : literalText(node);
    if (literal !== null) {
      if (RAW_PRISMA.test(literal.trim())) report(node, 'Prisma raw query');
      const sql = SQL_TEXT.find(([, patterns]) => patterns.some((p) => p.test(literal)));
      if (sql) {
        report(node, sql[0]);
        return; // its pieces are the same statement
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('the SQL fence finds raw SQL (the checker itself)', () => {
  it('finds every kind of raw SQL, each where it is written', () => {
    const sample = [
      "const rows = await services.sql.all<{ id: string }>('SELECT \"id\" FROM \"User\"', []);",
      'await db.$queryRawUnsafe(text);',
      'await db.$executeRaw`DELETE FROM "Kpi"`;',
      'const q = Prisma.sql`x = ${1}`;',
      "const t = `SELECT ${columns} FROM \"Kpi\" WHERE ${where}`;",
      "const u = 'UPDATE \"Kpi\" ' + 'SET \"name\" = ?';",
      "const i = 'insert into \"AuditEvent\" values (?)';",
      "const d = 'SELECT 1';",
      'const tx = db.$transaction; const k = db["$queryRaw"];',
      'const ddl = `DROP TABLE "Kpi"`;',
    ].join('\n');
    expect(rawSqlIn('sample.ts', sample).map(({ line, rule }) => ({ line, rule }))).toEqual([
      { line: 1, rule: 'driver .all' },
      { line: 1, rule: 'SELECT … FROM' },
      { line: 2, rule: 'Prisma raw query' },
      { line: 3, rule: 'Prisma raw query' },
      { line: 3, rule: 'DELETE FROM' },
      { line: 4, rule: 'Prisma.sql' },
      { line: 5, rule: 'SELECT … FROM' },
      { line: 6, rule: 'UPDATE … SET' },
      { line: 7, rule: 'INSERT INTO' },
      { line: 8, rule: 'SELECT' },
      { line: 9, rule: 'Prisma raw query' },
      { line: 10, rule: 'DDL' },
    ]);
  });

  it('leaves alone what is not SQL: Promise.all, Prisma selects, comments, prose', () => {
    const sample = [
      'const [a, b] = await Promise.all([x(), y()]);',
      'await Promise.allSettled([x()]);',
      'const user = await db.user.findUnique({ where: { id }, select: { id: true } });',
      '// SELECT "id" FROM "User" is what Prisma sends here',
      '/* DELETE FROM "Kpi" */',
      "throw new Error('Pick the values to keep, then update the scope.');",
      "const label = 'Selected items';",
      "const hint = 'Select a value from the list, or Insert into the form.';",
    ].join('\n');
    expect(rawSqlIn('sample.ts', sample)).toEqual([]);
  });
});

describe('raw SQL only in src/db/sql/', () => {
  const findings = new Map(scanned().map((path) => [path, rawSqlIn(path, readFileSync(join(root, path), 'utf8'))]));

  it('scans the sources (and finds the fenced statements where they belong)', () => {
    expect(findings.size).toBeGreaterThan(100);
    expect([...findings.keys()].filter((p) => p.startsWith(FENCE) && findings.get(p)!.length).sort()).toEqual(
      expect.arrayContaining(['src/db/sql/caller.ts', 'src/db/sql/health.ts', 'src/db/sql/kpi-points.ts']),
    );
  });

  it('finds none anywhere else', () => {
    const outside = [...findings].filter(([path, found]) => found.length && !path.startsWith(FENCE) && !(path in EXCLUDED));
    expect(outside.map(([path, found]) => `${path}: ${found.map((f) => `line ${f.line} ${f.rule}`).join(', ')}`)).toEqual([]);
  });

  it('excludes only files that still need it', () => {
    const stale = Object.keys(EXCLUDED).filter((path) => !findings.get(path)?.length);
    expect(stale).toEqual([]);
  });
});

/** An exported function's name, parameters (name: type) and doc comment. */
interface Exported {
  name: string;
  parameters: { name: string; type: string }[];
  doc: string;
}

export function exportedFunctions(fileName: string, text: string): Exported[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const exported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const describeFn = (name: string, fn: ts.SignatureDeclarationBase, docOf: ts.Node): Exported => ({
    name,
    parameters: fn.parameters.map((p) => ({ name: p.name.getText(file), type: p.type?.getText(file) ?? '' })),
    doc: ts.getJSDocCommentsAndTags(docOf).map((d) => d.getText(file)).join('\n'),
  });
  const out: Exported[] = [];
  for (const statement of file.statements) {
    if (!exported(statement)) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name) out.push(describeFn(statement.name.text, statement, statement));
    if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations) {
        const init = d.initializer;
        if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) out.push(describeFn(d.name.text, init, statement));
      }
  }
  return out;
}

/** Exported functions of the fence that take no tenant, and why. */
const WITHOUT_TENANT: Record<string, string> = {
  'src/db/sql/caller.ts readCaller': 'identity: finds the caller, and so their organization, before a tenant is known',
  'src/db/sql/health.ts ping': 'readiness: reads no table',
  'src/db/sql/kpi-points.ts compilePointWhere': 'compiles a condition, runs nothing (held to Prisma by test/kpis-compiled-filter.test.ts)',
  'src/db/sql/where.ts compileWhere': 'the compiler: writes conditions, runs nothing',
  'src/db/sql/where.ts compileTenantWhere': 'the compiler of the tenant condition itself (organizationId first)',
  'src/db/sql/where.ts planOf': 'a planning option, no statement',
};
/** Identity statements say in their doc comment that they run before a tenant is known. */
const IDENTITY = ['src/db/sql/caller.ts readCaller'];

const withoutTenant = (fns: Exported[], prefix: string, allowed: Record<string, string>) =>
  fns.filter((f) => !(`${prefix} ${f.name}` in allowed) && !(f.parameters[1]?.name === 'organizationId' && f.parameters[1].type === 'string')).map((f) => `${prefix} ${f.name}`);

describe('every statement of src/db/sql/ takes the tenant', () => {
  it('reads exported functions and their parameters (the checker itself)', () => {
    const sample = [
      'export async function good(sql: SqlDriver, organizationId: string, id: string) {}',
      'export const alsoGood = (sql: SqlDriver, organizationId: string) => sql;',
      'export function bad(sql: SqlDriver, id: string) {}',
      'export const optional = (sql: SqlDriver, organizationId?: string | null) => sql;',
      'function internal(sql: SqlDriver) {}',
      'export const LIMIT = 3;',
    ].join('\n');
    const fns = exportedFunctions('sample.ts', sample);
    expect(fns.map((f) => f.name)).toEqual(['good', 'alsoGood', 'bad', 'optional']);
    expect(withoutTenant(fns, 'sample.ts', {})).toEqual(['sample.ts bad', 'sample.ts optional']);
  });

  const fence = files(join(root, FENCE), (p) => p.endsWith('.ts') && !p.endsWith('.test.ts'));
  const byFile = new Map(fence.map((path) => [path, exportedFunctions(path, readFileSync(join(root, path), 'utf8'))]));

  it('has organizationId: string as the second parameter of every exported function but the documented ones', () => {
    expect([...byFile].flatMap(([path, fns]) => withoutTenant(fns, path, WITHOUT_TENANT))).toEqual([]);
  });

  it('lists as exceptions only functions that exist, and identity ones say why in their doc comment', () => {
    const names = new Set([...byFile].flatMap(([path, fns]) => fns.map((f) => `${path} ${f.name}`)));
    expect(Object.keys(WITHOUT_TENANT).filter((k) => !names.has(k))).toEqual([]);
    for (const key of IDENTITY) {
      const [path, name] = key.split(' ') as [string, string];
      expect({ key, doc: byFile.get(path)!.find((f) => f.name === name)!.doc }).toEqual({ key, doc: expect.stringMatching(/before a tenant is known/) });
    }
  });
});
