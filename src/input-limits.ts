// Bounds on what a request may carry, checked before any resolver runs (so before any write):
// the body's size (HTTP and WebSocket messages), the length of every string in the operation's
// arguments and variables, no NUL character in any of them (PostgreSQL stores none), and dates
// within the years both databases store. Fields have their own, smaller limits in their domains
// (email 254, password 256, names 120…); this cap stops anything that a field forgot.
import { GraphQLError, visit, type ASTNode, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Rows a paginated field returns when `first` is omitted: what `paginate` serves and what the cost counts. */
export const DEFAULT_PAGE_SIZE = 20;

/** Deeper input than any argument of this API needs: refused rather than walked. */
export const MAX_INPUT_DEPTH = 64;

/** The dates both databases store: the years 0001 to 9999 (PostgreSQL refuses year 0). */
export const STORABLE_DATES = { min: -62_135_596_800_000 /* 0001-01-01T00:00:00.000Z */, max: 253_402_300_799_999 /* 9999-12-31T23:59:59.999Z */ };
/** Whether `date` is a date both databases store. */
export const isStorableDate = (date: Date) => {
  const t = date.getTime();
  return t >= STORABLE_DATES.min && t <= STORABLE_DATES.max;
};

/** A NUL character: no argument accepts one, and PostgreSQL cannot store it in text. */
export const hasNul = (text: string) => text.includes('\u0000');

export interface InputProblem {
  /** Where, e.g. `variables.input.actions[0].config.body`. */
  path: string;
  problem: 'length' | 'depth' | 'nul';
}

/**
 * The first string (or object key) longer than `max` or holding a NUL in a value, or the first
 * place it nests deeper than MAX_INPUT_DEPTH, in reading order; null when it is within bounds.
 * Recursive but bounded: it never descends past MAX_INPUT_DEPTH, so a hostile nesting cannot
 * overflow the stack. The path is built only for a problem: walking the 10,000 points of a KPI
 * batch allocates nothing.
 */
export function inputProblem(value: unknown, max: number, root = '$'): InputProblem | null {
  const steps: string[] = [];
  const found = problemIn(value, max, 0, steps);
  return found ? { path: root + steps.reverse().join(''), problem: found } : null;
}

/** The problem in `v` at `depth`, with its steps pushed innermost first; null when none. */
function problemIn(v: unknown, max: number, depth: number, steps: string[]): InputProblem['problem'] | null {
  if (typeof v === 'string') return v.length > max ? 'length' : hasNul(v) ? 'nul' : null;
  if (!v || typeof v !== 'object') return null;
  if (depth >= MAX_INPUT_DEPTH) return 'depth';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (!item || (typeof item !== 'object' && typeof item !== 'string')) continue;
      const found = problemIn(item, max, depth + 1, steps);
      if (found) return steps.push(`[${i}]`), found;
    }
    return null;
  }
  for (const key in v) {
    if (!Object.hasOwn(v, key)) continue;
    if (key.length > max) return steps.push(`.${key.slice(0, 40)}…`), 'length';
    if (hasNul(key)) return steps.push(`.${key.replaceAll('\u0000', '\\u0000').slice(0, 40)}`), 'nul';
    const found = problemIn((v as Record<string, unknown>)[key], max, depth + 1, steps);
    if (found) return steps.push(`.${key}`), found;
  }
  return null;
}

interface LiteralProblem {
  problem: 'length' | 'nul';
  /** What holds it: `argument "email"`, or a string literal elsewhere. */
  where: string;
  argument: string | null;
}

interface DocumentFacts {
  /** By limit: the first string literal over it, or holding a NUL (null: none). */
  literals: Map<number, LiteralProblem | null>;
  /** The argument (with its input fields, `filter.dimensions`) each variable is first passed to. */
  argumentOf: Map<string, string>;
}

/** Per document (yoga's cached parse): its literals and variables' places do not change between requests. */
const documentFacts = new WeakMap<DocumentNode, DocumentFacts>();
function factsOf(document: DocumentNode): DocumentFacts {
  let facts = documentFacts.get(document);
  if (!facts) {
    const argumentOf = new Map<string, string>();
    const names: string[] = [];
    const named = { enter: (node: ASTNode & { name: { value: string } }) => void names.push(node.name.value), leave: () => void names.pop() };
    visit(document, {
      Argument: named,
      ObjectField: named,
      Variable(node) {
        if (names.length && !argumentOf.has(node.name.value)) argumentOf.set(node.name.value, names.join('.'));
      },
    });
    documentFacts.set(document, (facts = { literals: new Map(), argumentOf }));
  }
  return facts;
}

function literalProblem(document: DocumentNode, max: number): LiteralProblem | null {
  const { literals } = factsOf(document);
  let found = literals.get(max);
  if (found === undefined) literals.set(max, (found = findLiteralProblem(document, max)));
  return found;
}

function findLiteralProblem(document: DocumentNode, max: number): LiteralProblem | null {
  let found: LiteralProblem | null = null;
  const names: string[] = [];
  const named = { enter: (node: ASTNode & { name: { value: string } }) => void names.push(node.name.value), leave: () => void names.pop() };
  visit(document, {
    Argument: named,
    ObjectField: named,
    StringValue(node) {
      if (found) return;
      const argument = names.length ? names.join('.') : null;
      if (node.value.length > max) found = { problem: 'length', where: `a string literal of ${node.value.length} characters`, argument };
      else if (hasNul(node.value)) found = { problem: 'nul', where: argument ? `argument "${argument}"` : 'a string literal', argument };
    },
  });
  return found;
}

const tooLong = (where: string, max: number) =>
  new GraphQLError(`Input too long: ${where} is longer than ${max} characters, the most any argument accepts. Nothing was done.`, {
    extensions: { code: 'BAD_USER_INPUT', rule: 'input.string-length', limit: max },
  });

const withNul = (where: string, argument: string | null) =>
  new GraphQLError(`Input holds a NUL character (\\u0000) in ${where}, which no argument accepts. Nothing was done.`, {
    extensions: { code: 'BAD_USER_INPUT', rule: 'input.nul', ...(argument ? { argument } : {}) },
  });

const tooDeep = (where: string) =>
  new GraphQLError(`Input too deep: ${where} nests more than ${MAX_INPUT_DEPTH} levels, more than any argument needs. Nothing was done.`, {
    extensions: { code: 'BAD_USER_INPUT', rule: 'input.depth', limit: MAX_INPUT_DEPTH },
  });

/**
 * Refuses an operation carrying a string over `max` characters or holding a NUL, in its document
 * or its variables, naming the argument that holds it.
 */
export function useStringLimit(max: number): Plugin {
  const check = (document: DocumentNode, variables: unknown) => {
    const literal = literalProblem(document, max);
    if (literal) return literal.problem === 'length' ? tooLong(literal.where, max) : withNul(literal.where, literal.argument);
    const variable = inputProblem(variables ?? {}, max, 'variables');
    if (!variable) return null;
    if (variable.problem === 'length') return tooLong(variable.path, max);
    if (variable.problem === 'depth') return tooDeep(variable.path);
    const name = /^variables\.([^.[]+)/.exec(variable.path)?.[1] ?? '';
    const argument = factsOf(document).argumentOf.get(name) ?? null;
    return withNul(argument ? `argument "${argument}" (${variable.path})` : variable.path, argument);
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
