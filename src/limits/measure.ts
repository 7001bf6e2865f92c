// What an operation asks of the server, measured before it runs: its shape (depth, aliases,
// directives: the same whatever the variables) and its cost (with the variables: a page of
// `first: $n` costs what $n asks for). Pure functions; the plugin beside this file enforces them.
import { DEFAULT_PAGE_SIZE } from '../input-limits.ts';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import {
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isListType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Elements assumed for a list of objects that has no `first` (a KPI's dimensions, a workflow's actions, groups, roles). */
export const UNPAGED_LIST_SIZE = 10;
/** Field selections visited while costing, fragments expanded: past this an operation is refused unmeasured. */
export const MAX_COSTED_SELECTIONS = 10_000;
/**
 * What one `Kpi.series` costs, whatever it selects: its size (groups × buckets, up to the series
 * cell limit of src/kpis/series.ts) is known only once it runs, so it counts as a large page. A
 * dashboard of five charts (2,000) passes the default MAX_COST of 5,000; thirteen, or a series
 * under a page of KPIs (`kpis(first: 20) { … series }`: 8,000), is refused before running.
 */
export const SERIES_COST = 400;

export interface Shape {
  /** Deepest chain of fields, fragments flattened, introspection (`__schema`, `__type`) not counted. */
  depth: number;
  /** Aliased fields, each fragment counted as often as it is spread. */
  aliases: number;
}

const isIntrospectionField = (name: string) => name === '__schema' || name === '__type';

/**
 * The shape of one operation. Each fragment is measured once and reused wherever it is spread, so
 * a document of fragments that spread each other many times is measured in linear time; a spread
 * cycle (which validation refuses anyway) counts as nothing.
 */
export function measureShape(document: DocumentNode, operation: OperationDefinitionNode): Shape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const measured = new Map<string, Shape>();
  const inProgress = new Set<string>();

  const ofSelectionSet = (set: SelectionSetNode | undefined): Shape => {
    const shape: Shape = { depth: 0, aliases: 0 };
    for (const selection of set?.selections ?? []) {
      let inner: Shape;
      if (selection.kind === Kind.FIELD) {
        if (isIntrospectionField(selection.name.value)) continue;
        const below = ofSelectionSet(selection.selectionSet);
        inner = { depth: below.depth + 1, aliases: below.aliases + (selection.alias ? 1 : 0) };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = ofSelectionSet(selection.selectionSet);
      } else {
        inner = ofFragment(selection.name.value);
      }
      shape.depth = Math.max(shape.depth, inner.depth);
      shape.aliases += inner.aliases;
    }
    return shape;
  };

  const ofFragment = (name: string): Shape => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return { depth: 0, aliases: 0 };
    inProgress.add(name);
    const shape = ofSelectionSet(fragment.selectionSet);
    inProgress.delete(name);
    measured.set(name, shape);
    return shape;
  };

  return ofSelectionSet(operation.selectionSet);
}

/** Directives written anywhere in the document (each costs validation work, whatever it does). */
export function countDirectives(document: DocumentNode): number {
  let count = 0;
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    if (record.kind === Kind.DIRECTIVE) count++;
    for (const [key, value] of Object.entries(record)) if (key !== 'loc' && typeof value === 'object') walk(value);
  };
  walk(document);
  return count;
}

export interface PageRequest {
  /** `Type.field` of the paginated field. */
  field: string;
  first: number;
}

export interface Cost {
  cost: number;
  /** Every `first` the operation passes, literal or variable, with its value. */
  pages: PageRequest[];
}

/**
 * The estimator: roughly the number of objects the response may hold.
 * - a field returning an object costs 1, plus what is selected inside it;
 * - a scalar costs nothing, except `totalCount` (a count query): 1;
 * - a paginated field (one with `first`) costs 1 plus `first` times its selection, `first` taken
 *   from the literal or the variable, 20 when omitted: every field under it counts once per row;
 * - `edges` of a connection is already counted by its connection's `first`;
 * - any other list of objects counts as 10 elements;
 * - introspection costs nothing (it is bounded by the schema, and off in production);
 * - `Kpi.series` costs SERIES_COST, whatever it selects.
 */
function costEstimator(pages: PageRequest[]): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    if (field.name.startsWith('__') || type.name.startsWith('__')) return 0;
    if (type.name === 'Kpi' && field.name === 'series') return SERIES_COST;
    const composite = isCompositeType(getNamedType(field.type));
    const own = composite || field.name === 'totalCount' ? 1 : 0;
    if (field.args.some((a) => a.name === 'first')) {
      const first = typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
      pages.push({ field: `${type.name}.${field.name}`, first });
      return own + Math.max(0, first) * childComplexity;
    }
    if (composite && isListType(getNullableType(field.type)) && !type.name.endsWith('Connection'))
      return UNPAGED_LIST_SIZE * (own + childComplexity);
    return own + childComplexity;
  };
}

export type CostResult = Cost | { unmeasured: 'variables' | 'operation' } | { tooLarge: true };

/**
 * The cost of the operation that will run, with its variables. `unmeasured` when execution will
 * refuse it anyway (no such operation, variables that do not coerce), so nothing runs unmeasured;
 * `tooLarge` when expanding its fragments visits more than MAX_COSTED_SELECTIONS selections.
 */
export function measureCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName?: string | null,
): CostResult {
  const operation = getOperationAST(document, operationName);
  if (!operation) return { unmeasured: 'operation' };
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return { unmeasured: 'variables' };
  const pages: PageRequest[] = [];
  const single: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: document.definitions.filter((d) => d === operation || d.kind === Kind.FRAGMENT_DEFINITION),
  };
  try {
    const cost = getComplexity({
      schema,
      query: single,
      variables: variables ?? {},
      estimators: [costEstimator(pages)],
      maxQueryNodes: MAX_COSTED_SELECTIONS,
    });
    return { cost, pages };
  } catch (error) {
    if (error instanceof Error && /maximum allowed number of nodes/.test(error.message)) return { tooLarge: true };
    throw error;
  }
}
