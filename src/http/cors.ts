// Cross-origin requests, answered before yoga: a browser app on another origin is allowed when its
// origin is in CORS_ORIGINS, and told plainly why not otherwise (instead of the CSRF plugin's
// "Required CSRF header(s) not present" that a refused preflight used to get). Requests from the
// server's own origin (GraphiQL, the console) and requests without an Origin (curl, servers) pass.
// No cookies are involved: credentials travel in the Authorization header.

/** The headers a preflight allows when it names none: ours, and those GraphQL clients send. Named ones are allowed as asked. */
const ALLOWED_HEADERS = ['authorization', 'content-type', 'accept', 'x-organization-id', 'x-dev-user', 'x-request-id', 'x-graphql-yoga-csrf'];
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export interface CorsRequest {
  method: string;
  /** Header values by lower-case name. */
  headers: Record<string, string | string[] | undefined>;
}

export type CorsOutcome =
  /** Answer now with this response (a preflight, or a refusal); yoga never sees the request. */
  | { answer: { status: number; headers: Record<string, string>; body: string | null } }
  /** Let the request through, adding these headers to its response. */
  | { headers: Record<string, string> };

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** True when `origin` names the host the request was sent to (the browser's own page of this server). */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return Boolean(host) && new URL(origin).host === host!.toLowerCase();
  } catch {
    return false;
  }
}

export function corsOutcome(allowedOrigins: readonly string[], request: CorsRequest): CorsOutcome {
  const origin = single(request.headers.origin);
  if (!origin || sameOrigin(origin, single(request.headers.host))) return { headers: {} };
  const preflight = request.method === 'OPTIONS' && Boolean(single(request.headers['access-control-request-method']));
  if (!allowedOrigins.some((allowed) => allowed.replace(/\/$/, '') === origin)) {
    const configured = allowedOrigins.length ? `CORS_ORIGINS allows ${allowedOrigins.join(', ')}` : 'CORS_ORIGINS is empty, so no other origin is allowed';
    const reason = `Cross-origin request from ${origin} refused: ${configured}.`;
    const nextStep = `Add the origin to CORS_ORIGINS (comma-separated, e.g. CORS_ORIGINS=${origin}) and restart, or serve the app from this server's origin.`;
    const error = { message: `${reason} ${nextStep}`, extensions: { code: 'FORBIDDEN', rule: 'http.cors-origin', origin, reason, nextStep } };
    return { answer: { status: 403, headers: { 'content-type': 'application/json; charset=utf-8', vary: 'Origin' }, body: JSON.stringify({ errors: [error] }) } };
  }
  const allow = {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': 'x-request-id',
    vary: preflight ? 'Origin, Access-Control-Request-Headers' : 'Origin',
  };
  if (!preflight) return { headers: allow };
  return {
    answer: {
      status: 204,
      headers: {
        ...allow,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': single(request.headers['access-control-request-headers']) || ALLOWED_HEADERS.join(', '),
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
      },
      body: null,
    },
  };
}
