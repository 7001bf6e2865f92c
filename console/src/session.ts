// Who the console acts as: a token from `login`, or (in development, when the server allows it) a
// demo persona through X-Dev-User; and the organization it acts in. Kept in sessionStorage, so it
// lasts as long as the tab and no other tab or later visit sees it.
export interface Session {
  /** A bearer token from `login`. */
  token?: string;
  /** A demo persona's email, sent as X-Dev-User (only when the server turns dev headers on). */
  devUser?: string;
  /** The organization's global id, sent as X-Organization-Id. */
  organizationId?: string;
}

const KEY = 'governance-console.session';

export function loadSession(): Session {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    return { token: text(stored.token), devUser: text(stored.devUser), organizationId: text(stored.organizationId) };
  } catch {
    return {};
  }
}

export function saveSession(session: Session): void {
  if (session.token || session.devUser) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

export const signedIn = (session: Session) => Boolean(session.token || session.devUser);

/** The HTTP headers that carry the session. */
export function headersOf(session: Session): Record<string, string> {
  const headers: Record<string, string> = {};
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  else if (session.devUser) headers['X-Dev-User'] = session.devUser;
  if (session.organizationId) headers['X-Organization-Id'] = session.organizationId;
  return headers;
}

/** The same credentials as graphql-ws `connectionParams`. */
export function connectionParamsOf(session: Session): Record<string, string> {
  const params: Record<string, string> = {};
  if (session.token) params.token = session.token;
  else if (session.devUser) params.devUser = session.devUser;
  if (session.organizationId) params.organizationId = session.organizationId;
  return params;
}
