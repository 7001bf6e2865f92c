// The inbox (requests the user may decide, arriving live) and the user's own requests.
import { Fragment, type RefObject } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { problemsOf, request } from '../api.ts';
import { outcomeOf, statusLabel, timesOf, windowOf, type Outcome, type Problem } from '../model.ts';
import { ConsoleApprove, ConsoleCancel, ConsoleReject, ConsoleRequest, type Request } from '../operations.ts';
import type { Session } from '../session.ts';
import { Field } from './Field.tsx';
import { Problems } from './Problems.tsx';

const KIND_LABEL: Record<string, string> = { ACCESS_SCOPE: 'Access scope', WORKFLOW: 'Workflow', PII_CHANGE: 'Customer data change' };
const kindLabel = (kind: string | null | undefined) => (kind ? (KIND_LABEL[kind] ?? kind) : 'Request');
/** What the decider reads after their decision, by the request's status it returned. */
const DECIDED: Record<string, string> = {
  APPROVED: 'You approved this request.',
  REJECTED: 'You rejected this request.',
  // With a quorum, one approval may leave the request waiting for more.
  PENDING: 'Your approval is recorded; the request waits for more approvals.',
};
const person = (u: { email?: string | null; displayName?: string | null } | null | undefined) =>
  u ? (u.displayName ? `${u.displayName} (${u.email})` : (u.email ?? 'someone')) : 'someone';

/** Re-renders every 30 s so that ages stay true while the page is open. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

interface ListProps {
  heading: RefObject<HTMLHeadingElement | null>;
  session: Session;
  requests: Request[];
  problems: Problem[];
  onChange: (request: Request) => void;
}

export function Inbox({ heading, session, requests, problems, onChange }: ListProps) {
  const now = useNow();
  const pending = requests.filter((r) => r.status === 'PENDING').length;
  return (
    <section aria-labelledby="inbox-title">
      <h2 id="inbox-title" tabIndex={-1} ref={heading}>
        Inbox: requests you may decide
      </h2>
      <p class="hint">Newest first. New requests appear here as they are made; no need to reload.</p>
      <Problems problems={problems} title="Requests to decide are not available to you" />
      {!problems.length && !requests.length && <p>Nothing is waiting for your decision.</p>}
      {requests.length > 0 && (
        <p role="status">
          {pending} pending request{pending === 1 ? '' : 's'}
        </p>
      )}
      <ul class="cards">
        {requests.map((r) => (
          <li key={r.id}>
            <DecisionCard request={r} now={now} session={session} onChange={onChange} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A request card's title (what labels the card) and its facts. */
function RequestHeading({ id, request: r, now }: { id: string; request: Request; now: number }) {
  return (
    <>
      <h3 id={`${id}-title`}>
        {kindLabel(r.kind)}: {r.summary}
      </h3>
      <RequestFacts request={r} now={now} />
    </>
  );
}

function RequestFacts({ request: r, now }: { request: Request; now: number }) {
  return (
    <dl class="facts">
      <dt>Kind</dt>
      <dd>{kindLabel(r.kind)}</dd>
      <dt>Requested by</dt>
      <dd>{person(r.requestedBy)}</dd>
      {timesOf(r, now).map((t) => (
        <Fragment key={t.label}>
          <dt>{t.label}</dt>
          <dd>
            <time dateTime={t.at ?? undefined} title={t.at ?? undefined}>
              {t.text}
            </time>
          </dd>
        </Fragment>
      ))}
      {r.kind === 'ACCESS_SCOPE' && (
        <>
          <dt>Scope</dt>
          <dd>
            {r.dimension?.name ?? r.dimension?.key} = {r.scopeValue === '*' ? 'every value' : r.scopeValue}, {windowOf(r.startsAt, r.endsAt, 'from approval')}
          </dd>
        </>
      )}
      {r.justification && (
        <>
          <dt>Justification</dt>
          <dd>{r.justification}</dd>
        </>
      )}
      <dt>Status</dt>
      <dd>
        <span class={`status status-${(r.status ?? 'unknown').toLowerCase()}`}>{statusLabel(r.status)}</span>
        {r.decidedBy && <> by {person(r.decidedBy)}</>}
        {r.reason && <>: “{r.reason}”</>}
      </dd>
    </dl>
  );
}

function DecisionCard({ request: r, now, session, onChange }: { request: Request; now: number; session: Session; onChange: (r: Request) => void }) {
  const id = useId();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [needReason, setNeedReason] = useState(false);
  const noteField = useRef<HTMLTextAreaElement>(null);
  const outcomeBox = useRef<HTMLDivElement>(null);

  const decide = async (approve: boolean) => {
    if (!approve && !note.trim()) {
      setNeedReason(true);
      noteField.current?.focus();
      return;
    }
    setBusy(true);
    setNeedReason(false);
    let result: Request | null = null;
    let problems: Problem[] = [];
    try {
      result = approve
        ? ((await request(ConsoleApprove, { id: r.id, comment: note.trim() || null }, session)).approveRequest ?? null)
        : ((await request(ConsoleReject, { id: r.id, reason: note.trim() }, session)).rejectRequest ?? null);
    } catch (error) {
      problems = problemsOf(error);
    }
    const next = outcomeOf(result, problems);
    setOutcome(next);
    // The buttons go once the request is decided: keyboard focus moves to what happened instead.
    requestAnimationFrame(() => outcomeBox.current?.focus());
    if (result) onChange(result);
    // Someone else decided first: show the request as it now stands (who decided, and how).
    if (next.kind === 'conflict') {
      const current = await request(ConsoleRequest, { id: r.id }, session).catch(() => null);
      if (current?.approvalRequest) onChange(current.approvalRequest);
    }
    setBusy(false);
  };

  return (
    <article class="card" aria-labelledby={`${id}-title`}>
      <RequestHeading id={id} request={r} now={now} />
      {r.status === 'PENDING' && (
        <form class="decide" onSubmit={(e) => e.preventDefault()}>
          <Field label="Comment (required to reject)">
            {(id) => (
              <textarea id={id}
                ref={noteField}
                rows={2}
                maxLength={2000}
                value={note}
                aria-invalid={needReason || undefined}
                aria-describedby={needReason ? `${id}-need` : undefined}
                onInput={(e) => setNote(e.currentTarget.value)}
              />
            )}
          </Field>
          {needReason && (
            <p id={`${id}-need`} class="field-error" role="alert">
              Give a reason to reject: the requester sees it.
            </p>
          )}
          <div class="buttons">
            <button type="button" class="approve" disabled={busy} onClick={() => decide(true)}>
              Approve
            </button>
            <button type="button" class="reject" disabled={busy} onClick={() => decide(false)}>
              Reject
            </button>
          </div>
        </form>
      )}
      <div ref={outcomeBox} tabIndex={-1} class="outcome-box">
        {outcome?.kind === 'decided' && (
          <p role="status" class="outcome">
            {DECIDED[outcome.status] ?? `The request is now: ${statusLabel(outcome.status).toLowerCase()}.`}
          </p>
        )}
        {outcome?.kind === 'conflict' && (
          <div class="conflict" role="alert">
            <p>
              <strong>Already decided:</strong> someone else decided this request before you. {outcome.problem.message}
            </p>
            {outcome.problem.rule && (
              <p class="rule">
                Rule: <code>{outcome.problem.rule}</code>
              </p>
            )}
          </div>
        )}
        {outcome?.kind === 'error' && <Problems problems={[outcome.problem]} title="Your decision was not recorded" />}
      </div>
    </article>
  );
}

export function MyRequests({ heading, session, requests, problems, onChange }: ListProps) {
  const now = useNow();
  return (
    <section aria-labelledby="mine-title">
      <h2 id="mine-title" tabIndex={-1} ref={heading}>
        My requests
      </h2>
      <p class="hint">Decisions on your requests appear here as they are made.</p>
      <Problems problems={problems} title="Live updates on your requests stopped" />
      {!requests.length && <p>You have made no requests yet.</p>}
      <ul class="cards">
        {requests.map((r) => (
          <li key={r.id}>
            <OwnCard request={r} now={now} session={session} onChange={onChange} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function OwnCard({ request: r, now, session, onChange }: { request: Request; now: number; session: Session; onChange: (r: Request) => void }) {
  const id = useId();
  const [problems, setProblems] = useState<Problem[]>([]);
  const [busy, setBusy] = useState(false);
  const withdraw = async () => {
    setBusy(true);
    try {
      const data = await request(ConsoleCancel, { id: r.id }, session);
      if (data.cancelRequest) onChange(data.cancelRequest);
      setProblems([]);
    } catch (error) {
      setProblems(problemsOf(error));
    }
    setBusy(false);
  };
  return (
    <article class="card" aria-labelledby={`${id}-title`}>
      <RequestHeading id={id} request={r} now={now} />
      {r.status === 'PENDING' && (
        <button type="button" disabled={busy} onClick={withdraw}>
          Withdraw this request
        </button>
      )}
      <Problems problems={problems} title="Could not withdraw the request" />
    </article>
  );
}
