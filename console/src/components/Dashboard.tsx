// The dashboard: for each KPI the user sees, its monthly series split by a dimension they pick, the
// top groups of that dimension, and this month against the KPI's target, all from one `Kpi.series`
// request per KPI. Each chart has its data as a table beside it. Row-level security shapes every
// figure on the server; the badge says which scopes do.
import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { problemsOf, request } from '../api.ts';
import { groupLabel, monthLabel, monthlyTable, scopesShaping, targetTile, type SeriesGroup } from '../dashboard.ts';
import type { ConsoleDashboardKpisQuery, ConsoleKpiChartsQuery } from '../gql/graphql.ts';
import { accessLabel, type Problem } from '../model.ts';
import { ConsoleDashboardKpis, ConsoleKpiCharts } from '../operations.ts';
import type { Session } from '../session.ts';
import { BarChart, MonthlyChart, PALETTE } from './Chart.tsx';
import { Field } from './Field.tsx';
import { Problems } from './Problems.tsx';

type Kpi = NonNullable<NonNullable<NonNullable<NonNullable<ConsoleDashboardKpisQuery['kpis']>['edges']>[number]>['node']>;

/** How many groups the bar chart ranks. */
const TOP = 5;
const number = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
/** The viewer's own calendar cuts the months. */
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

interface Props {
  heading: RefObject<HTMLHeadingElement | null>;
  session: Session;
  /** Changes when a decision may have changed what the user sees: every chart is asked again. */
  version: number;
}

export function Dashboard({ heading, session, version }: Props) {
  const [kpis, setKpis] = useState<Kpi[] | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  useEffect(() => {
    request(ConsoleDashboardKpis, {}, session).then(
      (data) => {
        setKpis((data.kpis?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])));
        setProblems([]);
      },
      (error) => setProblems(problemsOf(error)),
    );
  }, [session, version]);
  return (
    <section aria-labelledby="dashboard-title">
      <h2 id="dashboard-title" tabIndex={-1} ref={heading}>
        Dashboard
      </h2>
      <p class="hint">
        Every figure covers the rows you may see, by month in your time zone ({TIME_ZONE}). Charts update when your access changes; no need to reload.
      </p>
      <Problems problems={problems} title="The dashboard could not be read" />
      {!kpis && !problems.length && <p role="status">Loading the dashboard…</p>}
      {kpis && !kpis.length && <p>You see no KPI yet: ask for access under My access.</p>}
      {kpis?.map((k) => <KpiPanel key={k.id} kpi={k} session={session} version={version} />)}
    </section>
  );
}

function KpiPanel({ kpi, session, version }: { kpi: Kpi; session: Session; version: number }) {
  const dimensions = kpi.dimensions ?? [];
  const [split, setSplit] = useState(dimensions[0]?.key ?? '');
  const [charts, setCharts] = useState<ConsoleKpiChartsQuery | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  useEffect(() => {
    request(ConsoleKpiCharts, { id: kpi.id, split: split ? [split] : null, timeZone: TIME_ZONE, top: TOP }, session).then(
      (data) => {
        setCharts(data);
        setProblems([]);
      },
      (error) => setProblems(problemsOf(error)),
    );
  }, [kpi.id, split, session, version]);

  const names = Object.fromEntries(dimensions.map((d) => [d.key, d.name]));
  const splitName = names[split] ?? 'nothing';
  const titleId = `dash-${kpi.key}`;
  const shaping = charts ? scopesShaping(charts.myAccess?.access ?? kpi.access, charts.myAccess?.dimensions ?? [], names) : null;
  return (
    <article class="card dash" aria-labelledby={titleId} data-testid={`dashboard-${kpi.key}`}>
      <div class="dash-head">
        <h3 id={titleId}>{kpi.name}</h3>
        <p class="badge-line">
          <span class={`access access-${(kpi.access ?? 'none').toLowerCase()}`}>{accessLabel(kpi.access)}</span>
          {shaping && (
            <span class="scopes" data-testid={`${kpi.key}-scopes`}>
              Shown for your scopes: {shaping}
            </span>
          )}
          {kpi.access === 'FULL' && <span class="scopes">Every row</span>}
        </p>
      </div>
      {dimensions.length > 0 && (
        <Field label="Split by">
          {(id) => (
            <select id={id} value={split} onChange={(e) => setSplit(e.currentTarget.value)}>
              {dimensions.map((d) => (
                <option key={d.key} value={d.key}>
                  {d.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Problems problems={problems} title="This KPI's charts could not be read" />
      {!charts && !problems.length && <p role="status">Loading the charts…</p>}
      {charts?.kpi && (
        <div class="dash-grid">
          <TargetTile kpi={kpi} points={charts.kpi.overall?.groups[0]?.points ?? []} />
          <Top kpi={kpi} groups={charts.kpi.top?.groups ?? []} splitName={splitName} />
          <Monthly kpi={kpi} groups={charts.kpi.monthly?.groups ?? []} splitName={splitName} />
        </div>
      )}
    </article>
  );
}

function TargetTile({ kpi, points }: { kpi: Kpi; points: NonNullable<SeriesGroup['points']> }) {
  const tile = targetTile(points, kpi.target, new Date(), TIME_ZONE);
  return (
    <section class="tile" aria-labelledby={`tile-${kpi.key}`} data-testid={`${kpi.key}-target`}>
      <h4 id={`tile-${kpi.key}`}>{tile && !tile.current ? `Latest month (${monthLabel(tile.month)}) against target` : 'This month against target'}</h4>
      {!tile ? (
        <p>No row you may see yet.</p>
      ) : (
        <>
          <p class="tile-figure">
            {tile.sum === null ? '–' : number.format(tile.sum)} <span class="unit">{kpi.unit}</span>
          </p>
          <p>
            {tile.target === null ? 'No target set.' : `Target ${number.format(tile.target)} ${kpi.unit ?? ''}: ${tile.percent}% of it.`}
            {!tile.current && ' No row this month yet.'}
          </p>
          {tile.percent !== null && <meter min={0} max={100} value={Math.min(100, tile.percent)} aria-label={`${tile.percent}% of target`} />}
        </>
      )}
    </section>
  );
}

function Monthly({ kpi, groups, splitName }: { kpi: Kpi; groups: SeriesGroup[]; splitName: string }) {
  const table = monthlyTable(groups, TIME_ZONE);
  const title = `${kpi.name} by month, by ${splitName}`;
  if (!table.months.length)
    return (
      <section class="chart-box">
        <h4>{title}</h4>
        <p>No row you may see yet.</p>
      </section>
    );
  const first = monthLabel(table.months[0]!);
  const last = monthLabel(table.months.at(-1)!);
  const description = `Line chart: ${title}, ${first} to ${last}, one line per ${splitName} (${table.columns.join(', ')}). The table below gives every figure.`;
  return (
    <section class="chart-box wide" aria-labelledby={`monthly-${kpi.key}`}>
      <h4 id={`monthly-${kpi.key}`}>{title}</h4>
      <MonthlyChart starts={table.starts} lines={table.columns.map((label, i) => ({ label, values: table.sums[i]! }))} description={description} timeZone={TIME_ZONE} />
      <ul class="legend" aria-hidden="true">
        {table.columns.map((c, i) => (
          <li key={c}>
            <span class="swatch" style={{ background: PALETTE[i % PALETTE.length] }} /> {c}
          </li>
        ))}
      </ul>
      <details>
        <summary>The figures of this chart</summary>
        <table data-testid={`${kpi.key}-monthly-table`}>
          <caption>
            {title} ({kpi.unit}), sum of the rows you may see
          </caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              {table.columns.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.months.map((m, row) => (
              <tr key={m}>
                <th scope="row">{monthLabel(m)}</th>
                {table.sums.map((column, i) => (
                  <td class="number" key={i}>
                    {column[row] == null ? '–' : number.format(column[row]!)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

function Top({ kpi, groups, splitName }: { kpi: Kpi; groups: SeriesGroup[]; splitName: string }) {
  const bars = groups.map((g) => ({ label: groupLabel(g.key), value: g.total.sum ?? 0, count: g.total.count ?? 0 }));
  const title = `Top ${TOP} by ${splitName}, all months`;
  if (!bars.length)
    return (
      <section class="chart-box">
        <h4>{title}</h4>
        <p>No row you may see yet.</p>
      </section>
    );
  const description = `Bar chart: ${title} of ${kpi.name}, largest first: ${bars.map((b) => `${b.label} ${number.format(b.value)}`).join(', ')} ${kpi.unit ?? ''}.`;
  return (
    <section class="chart-box" aria-labelledby={`top-${kpi.key}`}>
      <h4 id={`top-${kpi.key}`}>{title}</h4>
      <BarChart bars={bars} description={description} />
      <table data-testid={`${kpi.key}-top-table`}>
        <caption>
          {title} ({kpi.unit})
        </caption>
        <thead>
          <tr>
            <th scope="col">{splitName}</th>
            <th scope="col">Sum</th>
            <th scope="col">Rows</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((b) => (
            <tr key={b.label}>
              <th scope="row">{b.label}</th>
              <td class="number">{number.format(b.value)}</td>
              <td class="number">{b.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
