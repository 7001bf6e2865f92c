// The one error class of the API and its catalogue of codes (docs/errors.md).
import { GraphQLError } from 'graphql';

export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  APPROVAL_REQUIRED: 'APPROVAL_REQUIRED',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  /** A resume cursor (`after:`) that cannot be honoured: older than the events kept, unknown, or another organization's. */
  CURSOR_INVALID: 'CURSOR_INVALID',
  /** The operation is too large (tokens, depth, aliases, directives, page size, cost): nothing of it ran. */
  OPERATION_LIMIT: 'OPERATION_LIMIT',
  /** The database could not be reached (an outage, a restart): nothing is wrong with the request; retry shortly. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes whose occurrence is itself an audit event (docs/audit.md). */
export const AUDITED_DENIALS: ReadonlySet<string> = new Set([ErrorCode.FORBIDDEN, ErrorCode.APPROVAL_REQUIRED]);

export interface AppErrorOptions {
  /** The rule that refused, e.g. `members.admin-cannot-touch-owner`; machine-readable. */
  rule?: string;
  /** Extra, PII-free extensions for the client. */
  details?: Record<string, unknown>;
  /** HTTP status when the error is the whole response. */
  status?: number;
}

/**
 * An error meant for the caller: `message` says what was refused, by which rule, and what to do.
 * Yoga's masking lets these through; every other error is masked with the request id.
 */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;
  readonly rule?: string;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, {
      extensions: {
        code,
        ...(options.rule ? { rule: options.rule } : {}),
        ...options.details,
        ...(options.status ? { http: { status: options.status } } : {}),
      },
    });
    this.code = code;
    this.rule = options.rule;
  }
}

export const unauthenticated = (message = 'You are not signed in. Log in with `login` and send the token as `Authorization: Bearer <token>`.') =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);

export const forbidden = (message: string, rule: string) => new AppError(ErrorCode.FORBIDDEN, message, { rule });

export const notFound = (what: string, id?: string) =>
  new AppError(ErrorCode.NOT_FOUND, `No ${what}${id ? ` with id ${id}` : ''} exists in this organization, or you may not see it.`);

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, { details });

/** A value longer than its field accepts: the field and its limit, for the client to point at. */
export const tooLong = (field: string, maxLength: number, length: number) =>
  badInput(`\`${field}\` has at most ${maxLength} characters; it had ${length}.`, { field, maxLength });

export const conflict = (message: string, rule?: string) => new AppError(ErrorCode.CONFLICT, message, { rule });

/**
 * The database cannot be reached (an outage, a restart): nothing the caller did, and nothing it can
 * fix; retry shortly. HTTP answers 503 when it is the whole response.
 */
export const serviceUnavailable = (requestId: string, path?: readonly (string | number)[]) =>
  new GraphQLError(`The database cannot be reached at the moment: retry shortly. Quote request id ${requestId} if it lasts.`, {
    path,
    extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, requestId, http: { status: 503 } },
  });

export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new AppError(ErrorCode.RATE_LIMITED, message, { details: { retryAfterSeconds } });

/**
 * Parse, validation and variable errors are the caller's input: BAD_USER_INPUT, like every other
 * input error (graphql-js gives them no code; yoga gives some its own).
 */
export const INPUT_CODES = new Set([undefined, 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']);
export const withInputCode = (error: unknown) =>
  error instanceof GraphQLError && INPUT_CODES.has(error.extensions?.code as string | undefined)
    ? new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
      })
    : error;
