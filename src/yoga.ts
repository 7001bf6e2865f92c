// The yoga instance behind both transports: the schema with its plugins in their order, error
// masking, and the context every operation gets (HTTP through yoga's listener, graphql-ws through
// `getEnveloped` in src/ws/server.ts).
import type { IncomingMessage } from 'node:http';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ExecutionResult } from 'graphql';
import { createYoga, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import { useApprovalEventSharing } from './approvals/stream.ts';
import { useDenialAudit } from './audit/denials.ts';
import { createContext, newRequestId, requestScope, type Context } from './context.ts';
import { callerOfRequest, clientAddressOf, rememberCaller, resolveCaller, type CredentialInput } from './identity/caller.ts';
import type { DatabaseFaults } from './db/faults.ts';
import { serviceUnavailable, withInputCode } from './errors.ts';
import { useCompiledExecution } from './executor.ts';
import { useRequestRules } from './http/request-rules.ts';
import { useStringLimit } from './input-limits.ts';
import { useOperationLimits } from './limits/plugin.ts';
import type { Logger } from './logger.ts';
import { schema } from './schema.ts';
import type { Services } from './services.ts';
import type { GovernanceYoga, SocketOperation } from './ws/server.ts';

/**
 * Yoga masks every error that is not ours, quoting the request id and logging the original in
 * full; the database being away is expected, logged once per interval, and told as such.
 */
function maskError(log: Logger, databaseFaults: DatabaseFaults) {
  return (error: unknown): Error => {
    if (error instanceof GraphQLError) {
      const original = error.originalError;
      if (!original || original instanceof GraphQLError) {
        return withInputCode(error) as GraphQLError;
      }
    }
    const requestId = requestScope.getStore()?.requestId ?? 'unknown';
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (databaseFaults.report(original, 'a request')) return serviceUnavailable(requestId, error instanceof GraphQLError ? error.path : undefined);
    log.error({ err: original, requestId }, 'unexpected error');
    return new GraphQLError(`Unexpected error: the server could not complete this. Quote request id ${requestId} when reporting it.`, {
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
    });
  };
}

function useInputErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (!result || typeof result !== 'object' || Array.isArray(result) || Symbol.asyncIterator in result) return;
      const { errors } = result as ExecutionResult;
      if (errors?.length) setResult({ ...(result as ExecutionResult), errors: errors.map(withInputCode) as GraphQLError[] });
    },
  };
}

function useIntrospectionRule(introspection: boolean): Plugin {
  return {
    onValidate({ addValidationRule }) {
      if (!introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

const credentialsOf = (headers: Headers | undefined, socket: CredentialInput): CredentialInput => ({
  authorization: headers?.get('authorization') ?? socket.authorization ?? null,
  organizationId: headers?.get('x-organization-id') ?? socket.organizationId ?? null,
  devUser: headers?.get('x-dev-user') ?? socket.devUser ?? null,
});

/**
 * An HTTP request's caller, resolved before its operation is parsed: metrics name the operations
 * of signed-in callers only, invalid ones included (src/ops/metrics.ts). Resolving reads the
 * database only for a credential that verifies; a failure here is left to the context factory,
 * which resolves again and reports it as every request does.
 */
function useCallerBeforeParse(services: Services): Plugin {
  return {
    async onParams({ request }) {
      try {
        rememberCaller(request, await resolveCaller(services, credentialsOf(request.headers, {})));
      } catch {
        // resolved again (and reported) by the context factory
      }
    },
  };
}

/** The caller, from the request's headers or the socket's connection_init, and the context built on it. */
function contextFactory(services: Services) {
  const { config } = services;
  return async (initial: YogaInitialContext & SocketOperation) => {
    const headers = initial.request?.headers;
    const socket = initial.socketCredentials ?? {};
    const requestId = requestScope.getStore()?.requestId ?? initial.wsRequestId ?? newRequestId(headers?.get('x-request-id'));
    const caller = (initial.request && callerOfRequest(initial.request)) || (await resolveCaller(services, credentialsOf(headers, socket)));
    const node = (initial as { req?: IncomingMessage }).req;
    const address = clientAddressOf(config.TRUST_PROXY, node?.socket?.remoteAddress, headers?.get('x-forwarded-for') ?? (node?.headers['x-forwarded-for'] as string | undefined));
    return createContext(services, caller, requestId, address, initial);
  };
}

/**
 * `observers` watch what the others made of each operation (metrics, tracing, then the streams
 * shutdown ends): they come last, in that order.
 */
export function createGovernanceYoga(services: Services, observers: Plugin[], databaseFaults: DatabaseFaults): GovernanceYoga {
  const { config, log } = services;
  return createYoga<SocketOperation, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    // The body is bounded before yoga sees it (bodyRefusal: a Content-Length within MAX_BODY_BYTES,
    // no chunked bodies), and node reads no more than that length; yoga's own limit piped every
    // body through a stream whose teardown cost a tenth of a small request's CPU.
    maxRequestBodySize: false,
    // Parsed documents are cached, parse errors not: a cached error is thrown before the plugins
    // below see the parse, and a repeated invalid operation would go uncounted in the metrics.
    parserAndValidationCache: { errorCache: { get: () => undefined, set: () => {} } },
    // GraphiQL is served before yoga, from this server alone (src/http/graphiql.ts).
    graphiql: false,
    landingPage: false,
    // Cross-origin requests are answered before yoga (src/http/cors.ts).
    cors: false,
    logging: false,
    maskedErrors: { maskError: maskError(log, databaseFaults) },
    context: contextFactory(services),
    plugins: [
      // GET for queries and subscriptions; a POST a browser preflights; refusals with their rule (src/http/request-rules.ts).
      useRequestRules('/graphql'),
      useCallerBeforeParse(services),
      useOperationLimits({
        maxTokens: config.MAX_TOKENS,
        maxDepth: config.MAX_DEPTH,
        maxAliases: config.MAX_ALIASES,
        maxDirectives: config.MAX_DIRECTIVES,
        maxCost: config.MAX_COST,
        maxPageSize: config.MAX_PAGE_SIZE,
      }),
      // Only armor's field-suggestion blocking: the operation limits are ours (src/limits/).
      EnvelopArmorPlugin({
        maxDepth: { enabled: false },
        maxAliases: { enabled: false },
        costLimit: { enabled: false },
        maxTokens: { enabled: false },
        maxDirectives: { enabled: false },
        blockFieldSuggestion: { enabled: !config.INTROSPECTION },
      }),
      useIntrospectionRule(config.INTROSPECTION),
      useStringLimit(config.MAX_STRING_LENGTH),
      // graphql-jit's compiled executor (src/executor.ts): before every plugin that wraps the
      // execute function, since it replaces it.
      useCompiledExecution(),
      // Approval events execute once per group of subscribers who see the same result.
      useApprovalEventSharing(),
      // After the plugin above, whose subscribe function it wraps (a later one would replace its wrapper).
      useDenialAudit(),
      useInputErrorCodes(),
      ...observers,
    ],
  });
}
