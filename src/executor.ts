// Queries and mutations through graphql-jit's compiled executor (@envelop/graphql-jit): each
// document is compiled once, with its resolvers, to a function, and its results are plain objects
// (graphql-js builds null-prototype ones, slower to serialize). On the restricted KPI page of the
// peer benchmark it took the server's CPU per request from 4.4 to 2.9 ms (bench/peer.ts).
//
// Where graphql-jit's meaning could differ from graphql-js's, a document keeps graphql-js:
// subscriptions (their events execute through src/streams/shared-execution.ts), and object or
// list literals in arguments, whose nested variables graphql-jit does not hand to a scalar's
// parseLiteral (a JSON argument `{ url: $url }` would lose its `url`; it also warns on stderr for
// every JSON literal). Clients generated from operations with variables, as the console's and the
// frontend snippets are, get the compiled path.
import { useGraphQlJit } from '@envelop/graphql-jit';
import { BREAK, getOperationAST, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const compilable = new WeakMap<DocumentNode, Map<string, boolean>>();

/** Whether graphql-jit runs this operation of the document exactly as graphql-js would. */
export function jitCompilable(document: DocumentNode, operationName?: string | null): boolean {
  let byOperation = compilable.get(document);
  if (!byOperation) compilable.set(document, (byOperation = new Map()));
  const key = operationName ?? '';
  let ok = byOperation.get(key);
  if (ok === undefined) {
    ok = getOperationAST(document, operationName)?.operation !== 'subscription' && !hasObjectOrListLiteral(document);
    byOperation.set(key, ok);
  }
  return ok;
}

function hasObjectOrListLiteral(document: DocumentNode): boolean {
  let found = false;
  const stop = () => {
    found = true;
    return BREAK;
  };
  visit(document, { ObjectValue: stop, ListValue: stop });
  return found;
}

export const useCompiledExecution = (): Plugin => useGraphQlJit({}, { enableIf: (args) => jitCompilable(args.document, args.operationName) }) as Plugin;
