// "My access": the KPIs the user sees and how (their access level and newest visible rows), their
// access scopes and windows, and the form that asks for another scope (an ACCESS_SCOPE request).
import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { problemsOf, request } from '../api.ts';
import type { ConsoleKpiRowsQuery, ConsoleMyAccessQuery } from '../gql/graphql.ts';
import { accessLabel, dateTimeInput, emptyEndMeans, inFormTerms, statusLabel, windowOf, type Problem } from '../model.ts';
import { ConsoleKpiRows, ConsoleMyAccess, ConsoleRequestAccess, type Request } from '../operations.ts';
import type { Session } from '../session.ts';
import { Field } from './Field.tsx';
import { Problems } from './Problems.tsx';

type Access = ConsoleMyAccessQuery;
type Kpi = NonNullable<NonNullable<NonNullable<NonNullable<Access['kpis']>['edges']>[number]>['node']>;
type Rows = NonNullable<NonNullable<ConsoleKpiRowsQuery['kpi']>['data']>;

/** How many of the newest rows a KPI card shows. */
const ROWS_SHOWN = 20;
const number = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

interface Props {
  heading: RefObject<HTMLHeadingElement | null>;
  session: Session;
  /** Changes when a decision may have changed what the user sees: everything is read again. */
  version: number;
  maxPageSize: number;
  /** The user's own requests as live events keep them: what the form sent shows its status now. */
  requests: readonly Request[];
  onRequested: (request: Request) => void;
}

export function MyAccess({ heading, session, version, maxPageSize, requests, onRequested }: Props) {
  const [access, setAccess] = useState<Access | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  useEffect(() => {
    request(ConsoleMyAccess, {}, session).then(
      (data) => {
        setAccess(data);
        setProblems([]);
      },
      (error) => setProblems(problemsOf(error)),
    );
  }, [session, version]);

  const kpis = (access?.kpis?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const scopes = access?.myAccessScopes ?? [];
  return (
    <section aria-labelledby="access-title">
      <h2 id="access-title" tabIndex={-1} ref={heading}>
        My access
      </h2>
      <Problems problems={problems} title="Your access could not be read" />
      {!access && !problems.length && <p role="status">Loading your access…</p>}
      {access && (
        <>
          <section aria-labelledby="kpis-title">
            <h3 id="kpis-title">KPIs you see</h3>
            {!kpis.length && <p>You see no KPI yet: ask for a scope below, or ask an admin for a role.</p>}
            {kpis.map((k) => (
              <KpiCard key={k.id} kpi={k} session={session} version={version} rowsShown={Math.min(ROWS_SHOWN, maxPageSize)} />
            ))}
          </section>
          <section aria-labelledby="scopes-title">
            <h3 id="scopes-title">Your access scopes</h3>
            {!scopes.length ? (
              <p>You hold no access scope.</p>
            ) : (
              <table>
                <caption>Dimension values whose rows you may see in restricted KPIs</caption>
                <thead>
                  <tr>
                    <th scope="col">Dimension</th>
                    <th scope="col">Value</th>
                    <th scope="col">Window</th>
                    <th scope="col">Active now</th>
                  </tr>
                </thead>
                <tbody>
                  {scopes.map((s) => (
                    <tr key={s.id}>
                      <td>{s.dimension?.name ?? s.dimension?.key}</td>
                      <td>{s.value === '*' ? '* (every value)' : s.value}</td>
                      <td>{windowOf(s.startsAt, s.endsAt)}</td>
                      <td>{s.active ? 'yes' : 'no'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <RequestScopeForm dimensions={access.dimensions ?? []} maxAccessDays={access.organization?.maxAccessDays ?? null} requests={requests} session={session} onRequested={onRequested} />
        </>
      )}
    </section>
  );
}

function KpiCard({ kpi, session, version, rowsShown }: { kpi: Kpi; session: Session; version: number; rowsShown: number }) {
  const [rows, setRows] = useState<Rows | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  useEffect(() => {
    request(ConsoleKpiRows, { id: kpi.id, first: rowsShown }, session).then(
      (data) => {
        setRows(data.kpi?.data ?? null);
        setProblems([]);
      },
      (error) => setProblems(problemsOf(error)),
    );
  }, [kpi.id, session, version, rowsShown]);
  const dimensions = kpi.dimensions ?? [];
  const points = (rows?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const titleId = `kpi-${kpi.key}`;
  return (
    <article class="card" aria-labelledby={titleId}>
      <h4 id={titleId}>{kpi.name}</h4>
      <dl class="facts">
        <dt>Your access</dt>
        <dd>
          <span class={`access access-${(kpi.access ?? 'none').toLowerCase()}`}>{accessLabel(kpi.access)}</span>
          {kpi.access === 'RESTRICTED' && ' (rows of your scopes only)'}
        </dd>
        <dt>Rows you see</dt>
        <dd data-testid={`${kpi.key}-row-count`}>{rows ? rows.totalCount : '…'}</dd>
        <dt>Sum of what you see</dt>
        <dd>
          {kpi.summary?.sum == null ? '–' : number.format(kpi.summary.sum)} {kpi.unit}
        </dd>
      </dl>
      <Problems problems={problems} />
      {points.length > 0 && (
        <table>
          <caption>
            The newest {points.length} rows of {kpi.name} you may see
          </caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              {dimensions.map((d) => (
                <th scope="col" key={d.key}>
                  {d.name}
                </th>
              ))}
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p, i) => (
              <tr key={i}>
                <td>{p.period?.slice(0, 10)}</td>
                {dimensions.map((d) => (
                  <td key={d.key}>{p.dimensions?.find((v) => v.dimension === d.key)?.value}</td>
                ))}
                <td class="number">{p.value == null ? '' : number.format(p.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}

/** The request form's labels by the argument each control sends. */
const FORM_LABELS = { dimension: 'Dimension', value: 'Value', justification: 'Justification', startsAt: 'Starts', endsAt: 'Ends', durationDays: 'Ends' };

function RequestScopeForm({
  dimensions,
  maxAccessDays,
  requests,
  session,
  onRequested,
}: {
  dimensions: NonNullable<Access['dimensions']>;
  maxAccessDays: number | null;
  requests: readonly Request[];
  session: Session;
  onRequested: (r: Request) => void;
}) {
  const [dimension, setDimension] = useState(dimensions[0]?.key ?? '');
  const values = dimensions.find((d) => d.key === dimension)?.values ?? [];
  const [value, setValue] = useState('');
  const [justification, setJustification] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [sent, setSent] = useState<Request | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setSent(null);
    try {
      const data = await request(
        ConsoleRequestAccess,
        { dimension, value: value || values[0] || '', justification: justification.trim(), startsAt: dateTimeInput(startsAt), endsAt: dateTimeInput(endsAt) },
        session,
      );
      if (data.requestAccess) {
        setSent(data.requestAccess);
        onRequested(data.requestAccess);
      }
      setProblems([]);
      setJustification('');
    } catch (error) {
      setProblems(inFormTerms(problemsOf(error), FORM_LABELS));
    }
    setBusy(false);
  };

  if (!dimensions.length) return null;
  return (
    <form class="request-scope" onSubmit={submit} aria-labelledby="request-title">
      <h3 id="request-title">Request access to more rows</h3>
      <p class="hint">An approver of that value (or an admin or owner) decides; you see the result under My requests.</p>
      <Field label="Dimension">
        {(id) => (
          <select id={id}
            value={dimension}
            onChange={(e) => {
              setDimension(e.currentTarget.value);
              setValue('');
            }}
          >
            {dimensions.map((d) => (
              <option key={d.key} value={d.key ?? ''}>
                {d.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Value">
        {(id) => (
          <select id={id} value={value || values[0] || ''} onChange={(e) => setValue(e.currentTarget.value)}>
            {values.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
            <option value="*">* (every value)</option>
          </select>
        )}
      </Field>
      <Field label="Justification">
        {(id) => (
          <textarea id={id} required maxLength={2000} rows={2} value={justification} onInput={(e) => setJustification(e.currentTarget.value)} />
        )}
      </Field>
      <Field label="Starts (optional, your local time)">
        {(id) => (
          <input id={id} type="datetime-local" value={startsAt} onInput={(e) => setStartsAt(e.currentTarget.value)} />
        )}
      </Field>
      <Field label="Ends (optional, your local time)" hint={emptyEndMeans(maxAccessDays)}>
        {(id, hintId) => (
          <input id={id} type="datetime-local" aria-describedby={hintId} value={endsAt} onInput={(e) => setEndsAt(e.currentTarget.value)} />
        )}
      </Field>
      <button type="submit" disabled={busy}>
        Request access
      </button>
      {sent && (
        <p role="status" class="outcome">
          Requested {sent.dimension?.name ?? dimension} = {sent.scopeValue === '*' ? 'every value' : sent.scopeValue}, {windowOf(sent.startsAt, sent.endsAt, 'from approval')}:{' '}
          {statusLabel((requests.find((r) => r.id === sent.id) ?? sent).status).toLowerCase()}.
        </p>
      )}
      <Problems problems={problems} title="The request was not sent" />
    </form>
  );
}
