// The actions a workflow can take: their kinds, each one's config as zod validates it (with its
// size limits), and how a stored definition reads back.
import { z } from 'zod';
import type { Workflow } from '../db/client.ts';

export const ACTION_KINDS = ['NOTIFY', 'SNAPSHOT_KPI', 'WEBHOOK', 'SET_KPI_TARGET'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export interface Action {
  kind: ActionKind;
  config: Record<string, unknown>;
}

export const MAX_ACTIONS = 20;
/** A webhook's body, serialised: it is stored with the definition and sent on every run. */
export const WEBHOOK_BODY_MAX = 10_000;

const kpiKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'is a KPI key (lower-case letters, digits, _)');
const webhookBody = z
  .record(z.string(), z.unknown())
  .refine((body) => JSON.stringify(body).length <= WEBHOOK_BODY_MAX, `is at most ${WEBHOOK_BODY_MAX / 1000} kB as JSON`);

export const ACTION_CONFIGS = {
  NOTIFY: z.object({ message: z.string().trim().min(1).max(500) }).strict(),
  SNAPSHOT_KPI: z.object({ kpiKey }).strict(),
  WEBHOOK: z.object({ url: z.string().max(2000).url(), body: webhookBody.optional() }).strict(),
  SET_KPI_TARGET: z.object({ kpiKey, target: z.number().finite().refine((v) => Math.abs(v) <= 1e15, 'is within ±1e15') }).strict(),
} satisfies Record<ActionKind, z.ZodType>;

export const actionsOf = (w: Pick<Workflow, 'actions'>) => JSON.parse(w.actions) as Action[];

/** What a SNAPSHOT_KPI action leaves in a run's output; outputs older than `kpiId` name only the key. */
export interface SnapshotOutput {
  kind: 'SNAPSHOT_KPI';
  kpi: string;
  kpiId?: string;
  summary: unknown;
}

export const isSnapshotOutput = (entry: unknown): entry is SnapshotOutput =>
  typeof entry === 'object' && entry !== null && (entry as { kind?: unknown }).kind === 'SNAPSHOT_KPI' && typeof (entry as { kpi?: unknown }).kpi === 'string';
