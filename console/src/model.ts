// The console's pure rules: how an API error reads, how old a request is, and how live events
// change the lists. No DOM here, so the tests run them in Node.

/** An API error as a person reads it: what happened, by which rule, and what to do next. */
export interface Problem {
  message: string;
  code: string | null;
  rule: string | null;
  reason: string | null;
  nextStep: string | null;
  approvers: string[];
}

interface GraphQLErrorShape {
  message?: unknown;
  extensions?: Record<string, unknown> | null;
}

const text = (v: unknown) => (typeof v === 'string' && v ? v : null);

export function problemOf(error: GraphQLErrorShape): Problem {
  const ext = error.extensions ?? {};
  return {
    message: text(error.message) ?? 'The server refused the request.',
    code: text(ext.code),
    rule: text(ext.rule),
    reason: text(ext.reason),
    nextStep: text(ext.nextStep),
    approvers: Array.isArray(ext.approvers) ? ext.approvers.filter((a): a is string => typeof a === 'string') : [],
  };
}

/** A problem that did not come from the API (network down, server unreachable). */
export const localProblem = (message: string, nextStep: string | null = null): Problem => ({
  message,
  code: null,
  rule: null,
  reason: null,
  nextStep,
  approvers: [],
});

/** "just now", "5 min", "3 h", "2 d": how long a request has waited. */
export function ageOf(iso: string | null | undefined, now: number): string {
  if (!iso) return 'unknown';
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(seconds)) return 'unknown';
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

export interface RequestLike {
  id: string;
  status?: string | null;
  createdAt?: string | null;
  requestedBy?: { id: string } | null;
}

/** Newest first, as the API lists them; ties keep a stable order by id. */
export function newestFirst<T extends RequestLike>(requests: readonly T[]): T[] {
  return [...requests].sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.id.localeCompare(b.id));
}

/** The list with `request` in it: replaced where its id already is, else added; newest first. */
export function upsert<T extends RequestLike>(requests: readonly T[], request: T): T[] {
  return newestFirst([...requests.filter((r) => r.id !== request.id), request]);
}

/**
 * A freshly fetched page merged with what live events already brought: an event may arrive
 * before the page that was read without it. A decided request stays decided (decisions are final);
 * anything else is as the page says.
 */
export function mergeFetched<T extends RequestLike>(current: readonly T[], fetched: readonly T[]): T[] {
  const known = new Map(current.map((r) => [r.id, r]));
  const merged = fetched.map((r) => {
    const live = known.get(r.id);
    return live && live.status !== 'PENDING' ? live : r;
  });
  const seen = new Set(fetched.map((r) => r.id));
  return newestFirst([...merged, ...current.filter((r) => !seen.has(r.id))]);
}

/** Splits one page of requests into those the user may decide (others' pending) and the user's own. */
export function splitRequests<T extends RequestLike>(requests: readonly T[], userId: string): { toDecide: T[]; mine: T[] } {
  return {
    toDecide: newestFirst(requests.filter((r) => r.requestedBy?.id !== userId && r.status === 'PENDING')),
    mine: newestFirst(requests.filter((r) => r.requestedBy?.id === userId)),
  };
}

export type Outcome =
  | { kind: 'decided'; status: string }
  /** Someone else decided first: the API's CONFLICT, shown as such, never as a failure of ours. */
  | { kind: 'conflict'; problem: Problem }
  | { kind: 'error'; problem: Problem };

/** What a decision's answer means for the person who pressed the button. */
export function outcomeOf(result: { status?: string | null } | null, problems: Problem[]): Outcome {
  const first = problems[0];
  if (first?.code === 'CONFLICT') return { kind: 'conflict', problem: first };
  if (first) return { kind: 'error', problem: first };
  return { kind: 'decided', status: result?.status ?? 'UNKNOWN' };
}

/** Turns a `datetime-local` input value into the API's UTC DateTime, or null when empty. */
export function dateTimeInput(value: string): string | null {
  if (!value.trim()) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

/** A scope's window for a person: "from … until …" with "no end" when open-ended. */
export function windowOf(startsAt: string | null | undefined, endsAt: string | null | undefined): string {
  const day = (iso: string) => iso.slice(0, 16).replace('T', ' ') + ' UTC';
  const from = startsAt ? `from ${day(startsAt)}` : 'from the start';
  return `${from}, ${endsAt ? `until ${day(endsAt)}` : 'no end'}`;
}
