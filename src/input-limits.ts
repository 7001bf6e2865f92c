// Bounds on what a request may carry, checked before any resolver runs (so before any write):
// the body's size (HTTP and WebSocket messages) and the length of every string in the
// operation's arguments and variables. Fields have their own, smaller limits in their domains
// (email 254, password 256, names 120…); this cap stops anything that a field forgot.
import { GraphQLError, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Rows a paginated field returns when `first` is omitted: what `paginate` serves and what the cost counts. */
export const DEFAULT_PAGE_SIZE = 20;

/** Deeper input than any argument of this API needs: refused rather than walked. */
export const MAX_INPUT_DEPTH = 64;

export interface InputProblem {
  /** Where, e.g. `variables.input.actions[0].config.body`. */
  path: string;
  problem: 'length' | 'depth';
}

/**
 * The first string (or object key) longer than `max` in a value, or the first place it nests
 * deeper than MAX_INPUT_DEPTH; null when it is within bounds. Iterative, so a hostile nesting
 * cannot overflow the stack.
 */
export function inputProblem(value: unknown, max: number, root = '$'): InputProblem | null {
  const pending: [unknown, string, number][] = [[value, root, 0]];
  while (pending.length) {
    const [v, path, depth] = pending.pop()!;
    if (typeof v === 'string') {
      if (v.length > max) return { path, problem: 'length' };
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return { path, problem: 'depth' };
    const entries = Array.isArray(v) ? v.map((item, i) => [`[${i}]`, item] as const) : Object.entries(v).map(([k, item]) => [`.${k}`, item] as const);
    // Pushed in reverse, so the first offender in reading order is found first.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [step, item] = entries[i]!;
      if (step.length - 1 > max) return { path: `${path}${step.slice(0, 41)}…`, problem: 'length' };
      pending.push([item, `${path}${step}`, depth + 1]);
    }
  }
  return null;
}

/** Per document (yoga's cached parse) and limit: its literals do not change between requests. */
const literalChecks = new WeakMap<DocumentNode, Map<number, string | null>>();
function overlongLiteral(document: DocumentNode, max: number): string | null {
  let byMax = literalChecks.get(document);
  if (!byMax) literalChecks.set(document, (byMax = new Map()));
  let found = byMax.get(max);
  if (found === undefined) byMax.set(max, (found = findOverlongLiteral(document, max)));
  return found;
}

function findOverlongLiteral(document: DocumentNode, max: number): string | null {
  let found: string | null = null;
  visit(document, {
    StringValue(node) {
      if (!found && node.value.length > max) found = `a string literal of ${node.value.length} characters`;
    },
  });
  return found;
}

const tooLong = (where: string, max: number) =>
  new GraphQLError(`Input too long: ${where} is longer than ${max} characters, the most any argument accepts. Nothing was done.`, {
    extensions: { code: 'BAD_USER_INPUT', rule: 'input.string-length', limit: max },
  });

const tooDeep = (where: string) =>
  new GraphQLError(`Input too deep: ${where} nests more than ${MAX_INPUT_DEPTH} levels, more than any argument needs. Nothing was done.`, {
    extensions: { code: 'BAD_USER_INPUT', rule: 'input.depth', limit: MAX_INPUT_DEPTH },
  });

/** Refuses an operation carrying a string over `max` characters, in its document or its variables. */
export function useStringLimit(max: number): Plugin {
  const check = (document: DocumentNode, variables: unknown) => {
    const literal = overlongLiteral(document, max);
    if (literal) return tooLong(literal, max);
    const variable = inputProblem(variables ?? {}, max, 'variables');
    if (!variable) return null;
    return variable.problem === 'length' ? tooLong(variable.path, max) : tooDeep(variable.path);
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
