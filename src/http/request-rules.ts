// What a request to /graphql must be, and how a refusal of its shape reads: like every other
// refusal of the API, with `code`, `rule`, `reason` and `nextStep` (docs/errors.md).
//
// The CSRF rule (docs/frontend.md#csrf): the API reads credentials only from the Authorization
// header (X-Dev-User in development), never from a cookie, so a request another site's page makes
// the browser send (a link, an image, a form) carries none and acts as nobody. GET is accepted for
// queries and subscriptions, as the GraphQL-over-HTTP spec allows (urql's default, GraphiQL's SSE);
// yoga refuses a mutation over GET with 405. A POST must still be one a browser preflights (JSON,
// or any type with the `x-graphql-yoga-csrf` header): no client needs a form post, and refusing it
// keeps a cross-site form from spending the login throttle or anything an anonymous call can do.
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.ts';

export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/** Content types a browser sends cross-site without a preflight (a form, `text/plain`). */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

const SEND_JSON = 'Send `POST /graphql` with `Content-Type: application/json` and a body `{"query": …, "variables": {…}}`.';

interface RequestRule {
  rule: string;
  reason: string;
  nextStep: string;
}

function refusal(rule: RequestRule, status: number, headers?: Record<string, string>): GraphQLError {
  return new GraphQLError(`${rule.reason} ${rule.nextStep}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, rule: rule.rule, reason: rule.reason, nextStep: rule.nextStep, http: { status, ...(headers ? { headers } : {}) } },
  });
}

export const CSRF_RULE: RequestRule = {
  rule: 'http.csrf-simple-request',
  reason: 'A POST a browser would send cross-site without a preflight (a form or text/plain body) is refused.',
  nextStep: `${SEND_JSON} Another content type needs the header \`${CSRF_HEADER}: 1\`.`,
};

const contentTypeRule = (type: string | null): RequestRule => ({
  rule: 'http.content-type',
  reason: type ? `A POST body of type ${type.split(';')[0]} cannot be read.` : 'A POST without a Content-Type cannot be read.',
  nextStep: SEND_JSON,
});

/** Yoga's own refusals of a request's shape, by their message: the rule each breaks and what to do instead. */
const YOGA_REFUSALS: readonly (readonly [RegExp, RequestRule])[] = [
  [
    /^Can only perform a mutation operation from a POST request\.$/,
    {
      rule: 'http.mutation-over-get',
      reason: 'A mutation cannot be sent with GET: GET runs queries and subscriptions only.',
      nextStep: SEND_JSON,
    },
  ],
  [
    /^GraphQL only supports GET and POST requests\.$/,
    { rule: 'http.method', reason: 'Only GET (queries, subscriptions) and POST (any operation) reach GraphQL.', nextStep: SEND_JSON },
  ],
  [/^POST body (sent invalid JSON|is expected to be object)/, { rule: 'http.body-json', reason: 'The request body is not a JSON object.', nextStep: SEND_JSON }],
  [
    /^Must provide query string\.$/,
    { rule: 'http.query-missing', reason: 'The request names no query.', nextStep: 'Send the operation as `query` (GET: `/graphql?query=…&variables=…`; POST: a JSON body).' },
  ],
  [
    /^(Unexpected parameter|Expected "\w+" param|Expected params|Invalid "params")/,
    {
      rule: 'http.params',
      reason: 'The request parameters are not `query`, `variables`, `operationName` and `extensions` of the expected types.',
      nextStep: 'Send `query` as a string and `variables` and `extensions` as JSON objects, nothing else.',
    },
  ],
  [
    /^Could not determine what operation to execute\.$/,
    {
      rule: 'http.operation-name',
      reason: 'The document has several operations, or none by the name given.',
      nextStep: 'Name the operation to run in `operationName`.',
    },
  ],
  [/^Batching is /, { rule: 'http.batching', reason: 'Batched requests (a JSON array) are not accepted.', nextStep: 'Send one operation per request.' }],
];

const YOGA_CODES = new Set([undefined, 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', ErrorCode.BAD_USER_INPUT]);

const FALLBACK: RequestRule = { rule: 'http.request', reason: 'The request is not a GraphQL request this server reads.', nextStep: SEND_JSON };

/** A refusal of the request's shape (yoga's: it carries an HTTP status and no rule) with its rule, reason and next step. */
function withRequestRule(error: GraphQLError): GraphQLError {
  const extensions = error.extensions ?? {};
  const http = extensions.http as { status?: number } | undefined;
  if (extensions.rule || !http?.status || http.status < 400) return error;
  // Yoga's codes (BAD_REQUEST, or none) as the masking left them; parse and validation errors carry
  // a status too, but they are about the document (they have locations), not the request.
  if (!YOGA_CODES.has(extensions.code as string | undefined) || error.locations?.length || error.nodes?.length) return error;
  const rule = YOGA_REFUSALS.find(([pattern]) => pattern.test(error.message))?.[1] ?? FALLBACK;
  return new GraphQLError(`${rule.reason} ${rule.nextStep}`, {
    extensions: { ...extensions, code: ErrorCode.BAD_USER_INPUT, rule: rule.rule, reason: rule.reason, nextStep: rule.nextStep },
  });
}

/** The CSRF rule and the refusals of a request's shape, for the GraphQL endpoint at `endpoint`. */
export function useRequestRules(endpoint: string): Plugin {
  return {
    onRequestParse({ request, url, requestParser }) {
      if (request.method !== 'POST' || url.pathname !== endpoint) return;
      const type = request.headers.get('content-type');
      const simple = !type || SIMPLE_CONTENT_TYPES.some((simpleType) => type.toLowerCase().startsWith(simpleType));
      if (simple && !request.headers.has(CSRF_HEADER)) throw refusal(CSRF_RULE, 403);
      // Yoga would answer 415 with an empty body.
      if (!requestParser) throw refusal(contentTypeRule(type), 415, { 'accept-post': 'application/json' });
    },
    onResultProcess({ result, setResult }) {
      if (!result || typeof result !== 'object' || Array.isArray(result) || Symbol.asyncIterator in result) return;
      const { errors } = result as ExecutionResult;
      if (errors?.length) setResult({ ...(result as ExecutionResult), errors: errors.map(withRequestRule) });
    },
  };
}
