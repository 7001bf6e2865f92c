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
//
// Over graphql-ws the shared result is also sent once per group: its `next` message is serialised
// once (per operation id, which clients mostly share) and written to each subscriber's socket
// straight from the source, instead of travelling every subscriber's chain of async iterators
// (graphql-ws's loop, envelop's wrappers, this plugin's mapping), a promise chain and a
// serialisation per subscriber. A source offers this (DELIVER_DIRECTLY), the transport says where
// to write for the operation's context (sendLiveFramesTo), and the event must be shared as above; anything else (a
// result with errors, which the metrics count per subscriber, or an operation selecting more)
// goes back to the stream, in order, for good.
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

export const DELIVER_DIRECTLY = Symbol('deliver directly');

/**
 * Delivers one event without the stream: a promise that settles once it is written (or handed
 * back), or false when it cannot, and the source should queue it and every later event itself.
 * `handBack` gives it back to the source's queue (then the source queues every later one too).
 */
export type DirectDelivery = (event: unknown, handBack: (event: unknown) => void) => Promise<void> | false;

/** A source that can hand its events to a DirectDelivery instead of yielding them. */
export interface DirectSource {
  [DELIVER_DIRECTLY](deliver: DirectDelivery): void;
}

/** Where a graphql-ws operation's `next` messages go (src/ws/server.ts gives them for each operation's context). */
export interface LiveFrames {
  /** The operation id the client chose. */
  id: string;
  /** Whether the client still has the operation (not completed, socket open). */
  open(): boolean;
  /** Writes one whole `next` message, as graphql-ws would have serialised it. */
  send(message: Buffer): void;
}

/** By operation context: kept beside it rather than in it, whose every property costs each subscriber. */
const framesOf = new WeakMap<object, LiveFrames>();
export function sendLiveFramesTo(context: object, frames: LiveFrames) {
  framesOf.set(context, frames);
}

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

const shareOf = (payload: unknown) => (payload && typeof payload === 'object' ? (payload as Shareable)[SHARED_EXECUTION] : undefined);

/** The key of the subscriber's group for this event, or null when it does not share. */
function groupKey(args: ExecutionArgs, payload: unknown, rootField: string): string | null {
  const share = shareOf(payload);
  const operation = share ? operationKey(args, share.fields, rootField) : null;
  return share && operation !== null ? `${operation}\u0000${share.keyOf(args.contextValue)}` : null;
}

function sharedResult(args: ExecutionArgs, payload: unknown, key: string): Promise<ExecutionResult> {
  let byKey = results.get(payload as object);
  if (!byKey) results.set(payload as object, (byKey = new Map()));
  let result = byKey.get(key);
  if (!result) byKey.set(key, (result = Promise.resolve(execute({ ...args, rootValue: payload }) as Promise<ExecutionResult> | ExecutionResult)));
  return result;
}

function resultFor(args: ExecutionArgs, payload: unknown, rootField: string): Promise<ExecutionResult> | ExecutionResult {
  const key = groupKey(args, payload, rootField);
  return key === null ? (execute({ ...args, rootValue: payload }) as Promise<ExecutionResult> | ExecutionResult) : sharedResult(args, payload, key);
}

interface Recipient {
  frames: LiveFrames;
  handBack: (event: unknown) => void;
}

/** The subscribers of one event's group that take it directly, written to once its result is in. */
interface Group {
  recipients: Recipient[];
  /** Set once the result is in: later joiners (after a re-check of rights) are written at once. */
  result: ExecutionResult | null;
  failed: boolean;
  written: Promise<void>;
}
const groups = new WeakMap<object, Map<string, Group>>();

function write(result: ExecutionResult, recipients: readonly Recipient[], payload: unknown) {
  // A result with errors goes the per-subscriber way, where the metrics count its errors.
  if (result.errors?.length) {
    for (const r of recipients) r.handBack(payload);
    return;
  }
  const json = JSON.stringify(result);
  const messages = new Map<string, Buffer>();
  for (const { frames } of recipients) {
    if (!frames.open()) continue;
    let message = messages.get(frames.id);
    if (!message) messages.set(frames.id, (message = Buffer.from(`{"id":${JSON.stringify(frames.id)},"type":"next","payload":${json}}`)));
    frames.send(message);
  }
}

/** Sends the event's shared result to `frames`, with the other members of its group. */
function deliverShared(args: ExecutionArgs, payload: unknown, rootField: string, frames: LiveFrames, handBack: (event: unknown) => void): Promise<void> | false {
  const key = groupKey(args, payload, rootField);
  if (key === null) return false;
  let byKey = groups.get(payload as object);
  if (!byKey) groups.set(payload as object, (byKey = new Map()));
  let group = byKey.get(key);
  if (!group) {
    const created: Group = { recipients: [], result: null, failed: false, written: Promise.resolve() };
    created.written = sharedResult(args, payload, key).then(
      (result) => {
        created.result = result;
        write(result, created.recipients, payload);
        created.recipients = [];
      },
      () => {
        // The stream's own path meets the same failure and ends the subscription with it.
        created.failed = true;
        for (const r of created.recipients) r.handBack(payload);
        created.recipients = [];
      },
    );
    byKey.set(key, (group = created));
  }
  if (group.failed) handBack(payload);
  else if (group.result) write(group.result, [{ frames, handBack }], payload);
  else group.recipients.push({ frames, handBack });
  return group.written;
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
        const frames = subscribeArgs.contextValue ? framesOf.get(subscribeArgs.contextValue as object) : undefined;
        if (frames && DELIVER_DIRECTLY in source)
          (source as DirectSource)[DELIVER_DIRECTLY]((event, handBack) => deliverShared(subscribeArgs as ExecutionArgs, event, root, frames, handBack));
        return mapEvents(source as AsyncIterableIterator<unknown>, subscribeArgs as ExecutionArgs, root);
      });
    },
  };
}
