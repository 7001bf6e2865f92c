// The console's two ways to the API, both on the page's own origin: HTTP POST for queries and
// mutations, graphql-ws for live events. Both carry the session's credentials and organization.
import { createClient, type Client } from 'graphql-ws/client';
import type { TypedDocumentString } from './gql/graphql.ts';
import { localProblem, problemOf, type Problem } from './model.ts';
import { connectionParamsOf, headersOf, type Session } from './session.ts';

/** A refused or failed operation; `problems` are the API's errors as a person reads them. */
export class ApiError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => p.message).join(' '));
  }
}

/** Whatever went wrong, as problems a person reads. */
export const problemsOf = (error: unknown): Problem[] =>
  error instanceof ApiError ? error.problems : [localProblem(error instanceof Error ? error.message : String(error))];

export interface ServerConfig {
  /** X-Dev-User is honoured: the console offers the demo personas. */
  devHeaders: boolean;
  personas: { email: string; displayName: string; role: string; note: string }[];
  /** The server's MAX_PAGE_SIZE: no list asks for more. */
  maxPageSize: number;
}

export const FALLBACK_CONFIG: ServerConfig = { devHeaders: false, personas: [], maxPageSize: 20 };

export async function loadServerConfig(): Promise<ServerConfig> {
  const response = await fetch('/console/config.json', { headers: { accept: 'application/json' } });
  if (!response.ok) return FALLBACK_CONFIG;
  return (await response.json()) as ServerConfig;
}

/** Runs a query or mutation; resolves with its data, or throws ApiError with every error it got. */
export async function request<R, V>(document: TypedDocumentString<R, V>, variables: V, session: Session): Promise<R> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headersOf(session) },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch {
    throw new ApiError([localProblem('The server cannot be reached.', 'Check that it is running, then try again.')]);
  }
  let body: { data?: R | null; errors?: { message?: unknown; extensions?: Record<string, unknown> }[] };
  try {
    body = await response.json();
  } catch {
    throw new ApiError([localProblem(`The server answered ${response.status} without a GraphQL result.`, 'Try again; if it persists, check the server log.')]);
  }
  if (body.errors?.length) throw new ApiError(body.errors.map(problemOf));
  if (!body.data) throw new ApiError([localProblem('The server answered without data.')]);
  return body.data;
}

export type LiveStatus = 'connecting' | 'live' | 'offline';

/**
 * One graphql-ws connection for the session: opened when the first subscription starts, retried
 * with back-off while the server is away. `onStatus` says whether events are flowing.
 */
export function openLive(session: Session, onStatus: (status: LiveStatus) => void): Client {
  const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
  return createClient({
    url,
    connectionParams: () => connectionParamsOf(session),
    lazy: true,
    keepAlive: 15_000,
    retryAttempts: Infinity,
    // Refused credentials (4401) or too many sockets (4429) will not get better by retrying.
    shouldRetry: (event) => !(typeof event === 'object' && event !== null && 'code' in event && [4401, 4403, 4429].includes((event as CloseEvent).code)),
    on: {
      connecting: () => onStatus('connecting'),
      connected: () => onStatus('live'),
      closed: () => onStatus('offline'),
    },
  });
}

/** Subscribes with a typed document; returns the function that ends the subscription. */
export function subscribe<R, V>(
  client: Client,
  document: TypedDocumentString<R, V>,
  variables: V,
  handlers: { next: (data: R) => void; problem: (problems: Problem[]) => void },
): () => void {
  return client.subscribe<R>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) handlers.problem(result.errors.map(problemOf));
        else if (result.data) handlers.next(result.data);
      },
      error: (error) => {
        if (Array.isArray(error)) handlers.problem(error.map(problemOf));
        else if (typeof error === 'object' && error !== null && 'code' in error && 'reason' in error)
          handlers.problem([localProblem(`Live updates stopped: ${(error as CloseEvent).reason || `socket closed (${(error as CloseEvent).code})`}.`, 'Sign in again.')]);
        else handlers.problem([localProblem('Live updates stopped.', 'Reload the page to reconnect.')]);
      },
      complete: () => {},
    },
  );
}
