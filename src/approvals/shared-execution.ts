// Executes a live event once per group of subscribers who would get the same result, as Hasura
// multiplexes live queries, instead of once per subscriber: a thousand subscribers of one
// operation, with the same variables and the same view of the event, share one execution (and its
// database reads, e.g. requestedBy).
//
// Sharing is opt-in and checked twice. The event itself must say how (its SHARED_EXECUTION): the
// key that tells subscribers' views apart (the approvals domain: organization, role, whether the
// subscriber requested or decided the request) and the schema coordinates whose resolvers depend on
// nothing but the event and that key. An operation that selects any other field, or an event
// without that declaration, executes per subscriber exactly as before.
import type { Plugin } from 'graphql-yoga';
import {
  createSourceEventStream,
  execute,
  getNamedType,
  getOperationAST,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';

export const SHARED_EXECUTION = Symbol('shared execution');

export interface SharedExecution {
  /** Subscribers whose contexts give the same key see the same result of this event. */
  keyOf(context: unknown): string;
  /** "Type.field" coordinates whose resolvers read only the event and what the key distinguishes. */
  fields: ReadonlySet<string>;
}

type Shareable = { [SHARED_EXECUTION]?: SharedExecution };

/** Whether every field the operation selects is among `fields` (introspection's __typename aside). */
function selectsOnly(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, fields: ReadonlySet<string>, rootField: string) {
  const operation = getOperationAST(document, operationName);
  if (!operation || document.definitions.some((d) => d.kind === 'FragmentDefinition')) return false;
  const info = new TypeInfo(schema);
  let only = true;
  visit(
    operation,
    visitWithTypeInfo(info, {
      Field(node) {
        if (node.name.value === '__typename') return;
        const parent = info.getParentType();
        const coordinate = `${parent ? getNamedType(parent).name : '?'}.${node.name.value}`;
        if (parent === schema.getSubscriptionType() ? node.name.value !== rootField : !fields.has(coordinate)) only = false;
      },
      // Directives (@include, @skip…) and inline fragments would make the check subtler than it needs to be.
      Directive() {
        only = false;
      },
      InlineFragment() {
        only = false;
      },
    }),
  );
  return only;
}

const checked = new WeakMap<ReadonlySet<string>, WeakMap<DocumentNode, boolean>>();
/** Per subscription: its operation and variables as part of the key (null: it selects beyond the shared fields). */
const operationKeys = new WeakMap<ExecutionArgs, WeakMap<ReadonlySet<string>, string | null>>();
const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;
/** Results by event, then by operation, variables and the subscriber's key. */
const results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

function operationKey(args: ExecutionArgs, fields: ReadonlySet<string>, rootField: string): string | null {
  let byFields = operationKeys.get(args);
  if (!byFields) operationKeys.set(args, (byFields = new WeakMap()));
  let key = byFields.get(fields);
  if (key === undefined) {
    const { document, operationName } = args;
    let byDocument = checked.get(fields);
    if (!byDocument) checked.set(fields, (byDocument = new WeakMap()));
    let only = byDocument.get(document);
    if (only === undefined) byDocument.set(document, (only = selectsOnly(args.schema, document, operationName, fields, rootField)));
    let id = documentIds.get(document);
    if (id === undefined) documentIds.set(document, (id = nextDocumentId++));
    key = only ? `${id}\u0000${operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}` : null;
    byFields.set(fields, key);
  }
  return key;
}

function resultFor(args: ExecutionArgs, payload: unknown, rootField: string): Promise<ExecutionResult> | ExecutionResult {
  const share = payload && typeof payload === 'object' ? (payload as Shareable)[SHARED_EXECUTION] : undefined;
  const own = () => execute({ ...args, rootValue: payload }) as Promise<ExecutionResult> | ExecutionResult;
  const operation = share ? operationKey(args, share.fields, rootField) : null;
  if (!share || operation === null) return own();
  const key = `${operation}\u0000${share.keyOf(args.contextValue)}`;
  let byKey = results.get(payload as object);
  if (!byKey) results.set(payload as object, (byKey = new Map()));
  let result = byKey.get(key);
  if (!result) byKey.set(key, (result = Promise.resolve(own())));
  return result;
}

/** graphql-js's mapping of source events to results, with resultFor in place of execute. */
function mapEvents(source: AsyncIterator<unknown> & AsyncIterable<unknown>, args: ExecutionArgs, rootField: string): AsyncIterableIterator<ExecutionResult> {
  return {
    async next() {
      const step = await source.next();
      return step.done ? { done: true, value: undefined } : { done: false, value: await resultFor(args, step.value, rootField) };
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      if (source.throw) {
        const step = await source.throw(error);
        return step.done ? { done: true, value: undefined } : { done: false, value: await resultFor(args, step.value, rootField) };
      }
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * The envelop plugin: subscriptions to one of `rootFields` get their source stream from the
 * field's `subscribe` as always, and each event's result through resultFor.
 */
export function useSharedExecution(rootFields: ReadonlySet<string>): Plugin {
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const operation = getOperationAST(args.document, args.operationName);
      const selections = operation?.selectionSet.selections ?? [];
      const root = selections.length === 1 && selections[0]!.kind === 'Field' ? selections[0]!.name.value : null;
      if (!root || !rootFields.has(root)) return;
      setSubscribeFn(async (subscribeArgs) => {
        const source = await createSourceEventStream(subscribeArgs as ExecutionArgs);
        if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
        return mapEvents(source as AsyncIterableIterator<unknown>, subscribeArgs as ExecutionArgs, root);
      });
    },
  };
}
