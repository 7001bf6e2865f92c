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

/**
 * A scope's window for a person: "from … until …" with "no end" when open-ended. A scope without a
 * start counts from the start; a request without one, from its approval (`openStart`).
 */
export function windowOf(startsAt: string | null | undefined, endsAt: string | null | undefined, openStart = 'from the start'): string {
  const day = (iso: string) => iso.slice(0, 16).replace('T', ' ') + ' UTC';
  const from = startsAt ? `from ${day(startsAt)}` : openStart;
  return `${from}, ${endsAt ? `until ${day(endsAt)}` : 'no end'}`;
}

/** A request's status as a person reads it (the API's enum never reaches the page). */
const STATUS_LABEL: Record<string, string> = {
  PENDING: 'Waiting for a decision',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  CANCELLED: 'Withdrawn',
  EXPIRED: 'Expired: no one decided in time',
};
export const statusLabel = (status: string | null | undefined) => (status ? (STATUS_LABEL[status] ?? status.charAt(0) + status.slice(1).toLowerCase()) : 'Unknown');

/** A KPI access level as a person reads it. */
const ACCESS_LABEL: Record<string, string> = { FULL: 'Full', RESTRICTED: 'Restricted', NONE: 'None' };
export const accessLabel = (access: string | null | undefined) => (access ? (ACCESS_LABEL[access] ?? access) : 'None');

/** "just now" or "5 min ago": when something happened. */
export function agoOf(iso: string | null | undefined, now: number): string {
  const age = ageOf(iso, now);
  return age === 'just now' || age === 'unknown' ? age : `${age} ago`;
}

export interface TimeFact {
  label: string;
  at: string | null;
  text: string;
}

/**
 * When a request was made and decided, as its status makes true: a pending one is waiting (for how
 * long); a decided one waits no more, so it says when it was requested and when it was decided.
 */
export function timesOf(r: { status?: string | null; createdAt?: string | null; decidedAt?: string | null }, now: number): TimeFact[] {
  if (r.status === 'PENDING') return [{ label: 'Waiting', at: r.createdAt ?? null, text: ageOf(r.createdAt, now) }];
  const facts: TimeFact[] = [{ label: 'Requested', at: r.createdAt ?? null, text: agoOf(r.createdAt, now) }];
  if (r.decidedAt) facts.push({ label: r.status === 'CANCELLED' ? 'Withdrawn' : r.status === 'EXPIRED' ? 'Expired' : 'Decided', at: r.decidedAt, text: agoOf(r.decidedAt, now) });
  return facts;
}

/**
 * What an empty "Ends" asks for, by the organization's longest window (the server's rule in
 * src/kpis/scopes.ts: an open-ended request ends at the maximum, counted from its start).
 */
export function emptyEndMeans(maxAccessDays: number | null | undefined): string {
  if (maxAccessDays == null) return 'Leave Ends empty for access with no end date (this organization sets no longest time).';
  const days = `${maxAccessDays} day${maxAccessDays === 1 ? '' : 's'}`;
  return `Leave Ends empty to ask for the longest this organization grants: ${days} from the start. An end further away is refused.`;
}

/** The rule by which the server refuses the inbox's live stream to a member who may decide nothing. */
export const DECIDES_NOTHING_RULE = 'approvals.subscribe';

/** Whether the inbox stream's refusal says the member may decide nothing (rather than a fault). */
export const decidesNothing = (problems: readonly Problem[]) => problems.some((p) => p.code === 'FORBIDDEN' && p.rule === DECIDES_NOTHING_RULE);

export type Section = 'inbox' | 'mine' | 'access' | 'dashboard';

/**
 * Where a member lands: the inbox when they may decide requests (or before the server has said they
 * may not), else their own access, where they can see what they have and ask for more.
 */
export const landingSection = (decides: boolean | null): Section => (decides === false ? 'access' : 'inbox');

/**
 * A refusal of a form's input in the form's words: the API names the argument (`endsAt`), the
 * person reads the label beside the control (Ends).
 */
export function inFormTerms(problems: readonly Problem[], labels: Readonly<Record<string, string>>): Problem[] {
  const rename = (text: string | null) => text && text.replace(/`([A-Za-z_][A-Za-z0-9_]*)`/g, (whole, name: string) => (labels[name] ? `“${labels[name]}”` : whole));
  return problems.map((p) => ({ ...p, message: rename(p.message) ?? p.message, reason: rename(p.reason), nextStep: rename(p.nextStep) }));
}
