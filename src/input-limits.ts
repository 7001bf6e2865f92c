// Bounds on what a request may carry, checked before any resolver runs (so before any write):
// the body's size (HTTP and WebSocket messages) and the length of every string in the
// operation's arguments and variables. Fields have their own, smaller limits in their domains
// (email 254, password 256, names 120…); this cap stops anything that a field forgot.
import { GraphQLError, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The first string longer than `max` in a value (deep), as a path, or null. */
export function overlongString(value: unknown, max: number, path = '$'): string | null {
  if (typeof value === 'string') return value.length > max ? path : null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = overlongString(v, max, `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      const found = overlongString(v, max, `${path}.${k}`) ?? (k.length > max ? `${path}.${k.slice(0, 40)}…` : null);
      if (found) return found;
    }
  return null;
}

function overlongLiteral(document: DocumentNode, max: number): string | null {
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

/** Refuses an operation carrying a string over `max` characters, in its document or its variables. */
export function useStringLimit(max: number): Plugin {
  const check = (document: DocumentNode, variables: unknown) => {
    const literal = overlongLiteral(document, max);
    if (literal) return tooLong(literal, max);
    const variable = overlongString(variables ?? {}, max, 'variables');
    return variable ? tooLong(variable, max) : null;
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
