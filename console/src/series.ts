// The dashboard's one request per KPI card, as `../shared/contract.graphql` defines `Kpi.series`:
// the monthly series split by the dimension the viewer picked, the top groups of that dimension, the
// unsplit monthly series for the target tile, and the server's account of which scopes shape them.
import { TypedDocumentString } from './gql/graphql.ts';
import type { DimensionAccess, SeriesGroup, SeriesSummary } from './dashboard.ts';

export interface KpiChartsVariables {
  id: string;
  split?: string[] | null;
  timeZone: string;
  top: number;
}

export interface KpiChartsResult {
  kpi: {
    id: string;
    monthly: { total: SeriesSummary; groups: SeriesGroup[] } | null;
    top: { groups: SeriesGroup[] } | null;
    overall: { groups: SeriesGroup[] } | null;
  } | null;
  myAccess: { access: string; dimensions: DimensionAccess[] } | null;
}

export const ConsoleKpiCharts = new TypedDocumentString<KpiChartsResult, KpiChartsVariables>(`
  query ConsoleKpiCharts($id: ID!, $split: [String!], $timeZone: String, $top: Int) {
    kpi(id: $id) {
      id
      monthly: series(input: { bucket: MONTH, timeZone: $timeZone, groupBy: $split }) {
        total { count sum }
        groups { key total { count sum } points { period count sum } }
      }
      top: series(input: { groupBy: $split, top: $top }) {
        groups { key total { count sum } }
      }
      overall: series(input: { bucket: MONTH, timeZone: $timeZone }) {
        groups { key total { count sum } points { period count sum } }
      }
    }
    myAccess(kpiId: $id) { access dimensions { dimension values } }
  }
`);
