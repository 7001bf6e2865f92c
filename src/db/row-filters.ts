// The registry of row-level filters beyond the tenant's. A domain registers a provider for the
// models it guards (KPI access registers Kpi, KpiDataPoint, Alert, AlertFiring); the tenant
// extension asks the registry, so neither it nor the context names a domain model.
import type { Clock } from '../clock.ts';
import type { OrgRole } from '../authz/matrix.ts';
import type { Db } from './client.ts';

type Where = Record<string, unknown>;

/** The caller, as a provider needs it, with a memo that lives as long as the request. */
export interface RowFilterRequest {
  system: Db;
  organizationId: string;
  userId: string;
  role: OrgRole;
  /** The organization's access version read with the membership; null after a change within the request (read afresh). */
  accessVersion: number | null;
  /** Domain time: scope windows open and close by it. */
  clock: Clock;
  /** Per-request memo for providers (e.g. the caller's KPI access profile). */
  memo: Map<string, unknown>;
}

export interface RowFilterProvider {
  models: readonly string[];
  /** The WHERE per model that the caller may see; a model left out is not restricted by this provider. */
  filters(request: RowFilterRequest): Promise<Partial<Record<string, Where>>>;
}

export interface RowFilterRegistry {
  /** Models some provider guards: queries reaching them wait for the filters. */
  readonly models: ReadonlySet<string>;
  filtersFor(request: RowFilterRequest): Promise<Partial<Record<string, Where>>>;
}

export function rowFilterRegistry(providers: readonly RowFilterProvider[]): RowFilterRegistry {
  const models = new Set<string>();
  for (const p of providers)
    for (const m of p.models) {
      if (models.has(m)) throw new Error(`two row-filter providers guard ${m}`);
      models.add(m);
    }
  return {
    models,
    async filtersFor(request) {
      const parts = await Promise.all(providers.map((p) => p.filters(request)));
      return Object.assign({}, ...parts);
    },
  };
}

/** Forgets what providers memoised for the request (after a change of the caller's own grants). */
export function forgetRowFilters(request: RowFilterRequest) {
  request.memo.clear();
  request.accessVersion = null;
}
