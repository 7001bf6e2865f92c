// The graphql-ws server on the HTTP server's /graphql: every socket authenticated in
// connection_init and counted against its user's limit, closed when its session ends, and every
// operation run through yoga's envelop, so that it gets the same plugins and context as HTTP.
import type { IncomingMessage, Server } from 'node:http';
import type { YogaServerInstance } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { sendLiveFramesTo, type LiveFrames } from '../streams/shared-execution.ts';
import { newRequestId, requestScope } from '../context.ts';
import { resolveCaller } from '../identity/caller.ts';
import { SESSION_ENDED, type SessionWatch } from '../identity/sessions.ts';
import type { Tracing } from '../ops/tracing.ts';
import type { Services } from '../services.ts';
import type { DatabaseFaults } from '../db/faults.ts';
import { withInputCode } from '../errors.ts';
import type { CredentialInput } from '../identity/caller.ts';
import type { Context as GraphQLContext } from '../context.ts';

/** What a graphql-ws operation adds to yoga's initial context (HTTP operations carry neither). */
export interface SocketOperation {
  /** The request id the socket handler gave the operation. */
  wsRequestId?: string;
  /** The credentials of the socket's connection_init, where HTTP has its headers. */
  socketCredentials?: CredentialInput;
}

/** The yoga instance (src/yoga.ts) whose envelop every socket operation goes through. */
export type GovernanceYoga = YogaServerInstance<SocketOperation, GraphQLContext>;

type WsParams = Record<string, unknown> | undefined;

/** A graphql-ws operation's way to its socket, for the `next` messages of shared live results. */
class SocketFrames implements LiveFrames {
  constructor(
    private readonly ctx: { subscriptions: Record<string, unknown>; extra: { socket: WebSocket } },
    readonly id: string,
  ) {}
  open() {
    const { socket } = this.ctx.extra;
    return this.id in this.ctx.subscriptions && socket.readyState === socket.OPEN;
  }
  send(message: Buffer) {
    this.ctx.extra.socket.send(message, { binary: false });
  }
}
const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/**
 * Credentials from graphql-ws `connectionParams`: `token`, `authorization`, `organizationId`,
 * `devUser`, or the same as HTTP header names (`Authorization`, `X-Organization-Id`, `X-Dev-User`)
 * in any case, as clients that forward their headers send them.
 */
export function credentialsFromParams(params: WsParams) {
  const lower = new Map(Object.entries(params ?? {}).map(([k, v]) => [k.toLowerCase(), str(v)]));
  const pick = (...keys: string[]) => keys.map((k) => lower.get(k)).find(Boolean) ?? null;
  const token = pick('token');
  return {
    authorization: pick('authorization') ?? (token ? `Bearer ${token}` : null),
    organizationId: pick('organizationid', 'x-organization-id'),
    devUser: pick('devuser', 'x-dev-user'),
  };
}

type SocketExtra = { userId?: string; unwatch?: () => void; peer?: Pick<IncomingMessage, 'headers'> & { socket: { remoteAddress?: string } } };
type OperationContext = Context<WsParams, SocketExtra & { socket: WebSocket }>;

/** The operation's execution arguments from yoga's envelop (its plugins, its context), or the caller's input errors. */
async function operationThroughYoga(yoga: GovernanceYoga, ctx: OperationContext, id: string, params: SubscribePayload) {
  const wsRequestId = newRequestId();
  const { schema: s, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
    ...ctx,
    req: ctx.extra.peer,
    socket: ctx.extra.socket,
    params,
    connectionParams: ctx.connectionParams,
    socketCredentials: credentialsFromParams(ctx.connectionParams ?? {}),
    wsRequestId,
  });
  let document;
  try {
    document = parse(params.query);
  } catch (error) {
    return [withInputCode(error instanceof GraphQLError ? error : new GraphQLError(String(error))) as GraphQLError];
  }
  let contextValue;
  try {
    // In the operation's request scope, so that yoga's masking quotes its request id.
    contextValue = await requestScope.run({ requestId: wsRequestId }, () => contextFactory());
  } catch (error) {
    // Yoga masked it already (the database away: SERVICE_UNAVAILABLE): this operation's error,
    // instead of graphql-ws closing the whole socket with 4500. An HTTP status means nothing here.
    if (!(error instanceof GraphQLError)) throw error;
    const { http: _status, ...extensions } = error.extensions;
    return [new GraphQLError(error.message, { path: error.path, extensions })];
  }
  const args = {
    schema: s,
    operationName: params.operationName,
    document,
    variableValues: params.variables,
    contextValue,
    rootValue: { execute, subscribe },
  };
  // Shared live results are written straight to the socket (src/streams/shared-execution.ts).
  sendLiveFramesTo(args.contextValue, new SocketFrames(ctx, id));
  const errors = validate(args.schema, args.document);
  if (errors.length) return errors.map(withInputCode) as GraphQLError[];
  return args;
}

export interface SocketServer {
  openSockets(): number;
  /** Closes every socket with 1001 (after their operations ended). */
  close(): Promise<void>;
}

export interface SocketServerOptions {
  server: Server;
  yoga: GovernanceYoga;
  tracing: Tracing;
  /** True once shutdown began: new sockets are refused. */
  stopping: () => boolean;
  /** The database being away: one log line per interval, and the client told to try again later. */
  databaseFaults: DatabaseFaults;
  /** Sessions' ends (logout on any instance, expiry): a socket opened with an ended session is closed with 4401. */
  sessions: SessionWatch;
}

export function createSocketServer(services: Services, { server, yoga, tracing, stopping, databaseFaults, sessions }: SocketServerOptions): SocketServer {
  const { config } = services;
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: config.MAX_BODY_BYTES });
  /** Open, acknowledged sockets per user: one user cannot hold the server's sockets. */
  const socketsOf = new Map<string, number>();
  const wsServer = useServer<WsParams, SocketExtra>(
    {
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => args.rootValue.subscribe(args),
      // A socket that never sends connection_init is closed (4408) after this long.
      connectionInitWaitTimeout: config.WS_INIT_TIMEOUT_MS,
      onConnect: async (ctx) => {
        if (stopping()) return false;
        const refuse = (code: number, reason: string) => {
          ctx.extra.socket.close(code, reason);
          return false;
        };
        // Every socket is someone's: credentials are required in connection_init, and must be good.
        const { authorization, devUser } = credentialsFromParams(ctx.connectionParams ?? {});
        if (!authorization && !devUser) return refuse(4401, 'Unauthorized: send connectionParams.token (from login) in connection_init');
        let caller;
        try {
          caller = await resolveCaller(services, { authorization, devUser });
        } catch (error) {
          // graphql-ws would print the error's stack and close with 4500 and its message.
          if (databaseFaults.report(error, 'a graphql-ws connection')) return refuse(1013, 'Try again later: the database cannot be reached');
          throw error;
        }
        if (!caller.user) return refuse(4401, `Unauthorized: ${caller.credentialProblem ?? 'the credentials were not accepted'}`.slice(0, 120));
        // The socket may have closed while the credentials were checked: onClose has run already,
        // so counting it now would hold one of the user's slots for ever.
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
        const open = socketsOf.get(caller.user.id) ?? 0;
        if (open >= config.WS_MAX_SOCKETS_PER_USER)
          return refuse(4429, `Too many open sockets for this user (${config.WS_MAX_SOCKETS_PER_USER}); close one first`);
        socketsOf.set(caller.user.id, open + 1);
        ctx.extra.userId = caller.user.id;
        // The upgrade request would stay with the socket as long as it is open (a few hundred bytes
        // of headers and stream state per socket): operations need only where it came from.
        const { request } = ctx.extra;
        ctx.extra.peer = { socket: { remoteAddress: request.socket.remoteAddress }, headers: { 'x-forwarded-for': request.headers['x-forwarded-for'] } };
        (ctx.extra as { request?: IncomingMessage }).request = undefined;
        // The session's end (logout on any instance, or its expiry) closes the socket, and with it every operation.
        const { socket } = ctx.extra;
        if (caller.session) ctx.extra.unwatch = sessions.watch(caller.session, (why) => socket.close(4401, SESSION_ENDED[why].closeReason));
        return true;
      },
      onClose: (ctx) => {
        ctx.extra.unwatch?.();
        ctx.extra.unwatch = undefined;
        const { userId } = ctx.extra;
        if (!userId) return;
        ctx.extra.userId = undefined;
        const left = (socketsOf.get(userId) ?? 1) - 1;
        if (left > 0) socketsOf.set(userId, left);
        else socketsOf.delete(userId);
      },
      // Within a span of its own when tracing: the operation's parse, validate and execute spans nest under it.
      onSubscribe: (ctx, id, params) => tracing.span('graphql-ws operation', { 'graphql.ws.operation_id': id }, () => operationThroughYoga(yoga, ctx, id, params), 'server'),
    },
    wss,
  );
  return {
    openSockets: () => wss.clients.size,
    async close() {
      for (const socket of wss.clients) socket.close(1001, 'server shutting down');
      await wsServer.dispose();
    },
  };
}
