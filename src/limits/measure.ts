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
  type FieldNode,
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
function costEstimator(pages: PageRequest[], sizes?: ListSizes): ComplexityEstimator {
  return ({ type, field, node, args, childComplexity }) => {
    if (field.name.startsWith('__') || type.name.startsWith('__')) return 0;
    const composite = isCompositeType(getNamedType(field.type));
    const own = composite || field.name === 'totalCount' ? 1 : 0;
    let cost: number;
    let factor = 1;
    if (type.name === 'Kpi' && field.name === 'series') {
      cost = SERIES_COST;
    } else if (field.args.some((a) => a.name === 'first')) {
      const first = typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
      pages.push({ field: `${type.name}.${field.name}`, first });
      factor = Math.max(0, sizes?.rows ? (sizes.rows.get(node) ?? 0) : first);
      cost = own + factor * childComplexity;
    } else if (composite && isListType(getNullableType(field.type)) && !type.name.endsWith('Connection')) {
      factor = sizes?.rows ? (sizes.rows.get(node) ?? 0) : UNPAGED_LIST_SIZE;
      cost = factor * (own + childComplexity);
    } else cost = own + childComplexity;
    // What returned null everywhere (or was never reached) cost nothing.
    if (sizes?.returned && !sizes.returned.has(node)) cost = 0;
    sizes?.onField?.(node, type.name, cost, factor);
    return cost;
  };
}

/**
 * What the actual-cost run replaces the assumed sizes with (the rows each paginated field, and the
 * elements each other list, returned at most), and an observer of every field's cost (for the
 * costliest fields).
 */
interface ListSizes {
  rows?: Map<FieldNode, number>;
  /** The fields that returned a value (not null) somewhere. */
  returned?: Set<FieldNode>;
  onField?: (node: FieldNode, parentType: string, cost: number, factor: number) => void;
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
  const costed = costVariables(operation, variables);
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], costed);
  if (coerced.errors) return { unmeasured: 'variables' };
  const pages: PageRequest[] = [];
  const single = singleOperation(document, operation);
  try {
    const cost = getComplexity({
      schema,
      query: single,
      variables: costed,
      estimators: [costEstimator(pages)],
      maxQueryNodes: MAX_COSTED_SELECTIONS,
    });
    return { cost, pages };
  } catch (error) {
    if (error instanceof Error && /maximum allowed number of nodes/.test(error.message)) return { tooLarge: true };
    throw error;
  }
}

/**
 * The variables as the cost sees them: every list-typed variable given as a list is replaced by
 * an empty one. The cost depends only on `first` (an Int) and `@include`/`@skip` (a Boolean), which
 * no list variable can supply, so the figure is the same; but coercing a bulk input (the 10,000
 * points of a `recordKpiData` batch) once per measurement cost more than storing it. A list that
 * does not coerce is refused by execution, before any resolver runs, as it would have been here.
 */
export function costVariables(operation: OperationDefinitionNode, variables: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const type = definition.type.kind === Kind.NON_NULL_TYPE ? definition.type.type : definition.type;
    const name = definition.variable.name.value;
    if (type.kind === Kind.LIST_TYPE && Array.isArray(out[name])) out[name] = [];
  }
  return out;
}

const singleOperation = (document: DocumentNode, operation: OperationDefinitionNode): DocumentNode => ({
  kind: Kind.DOCUMENT,
  definitions: document.definitions.filter((d) => d === operation || d.kind === Kind.FRAGMENT_DEFINITION),
});

/** A field of the operation by its response path (`kpis.edges.node.data`) and what it adds to the cost. */
export interface CostedField {
  path: string;
  cost: number;
}

/**
 * The fields that cost most, for a cost refusal: each field's share of the cost (its own, with what
 * it selects, times the pages above it), dearest first, at most `count`. The `edges` and `node` of
 * a connection are not listed (they carry their connection's cost); scalars cost nothing. Only for
 * an operation measureCost measured.
 */
export function costliestFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  count = 5,
): CostedField[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  const seen = new Map<FieldNode, { parentType: string; cost: number; factor: number }>();
  const observe: ListSizes = {
    onField(node, parentType, cost, factor) {
      const known = seen.get(node);
      if (!known || known.cost < cost) seen.set(node, { parentType, cost, factor });
    },
  };
  getComplexity({ schema, query: singleOperation(document, operation), variables: costVariables(operation, variables), estimators: [costEstimator([], observe)], maxQueryNodes: MAX_COSTED_SELECTIONS });
  const fragments = fragmentsOf(document);
  const byPath = new Map<string, number>();
  let visited = 0;
  const walk = (set: SelectionSetNode | undefined, prefix: string, multiplier: number): void => {
    for (const selection of set?.selections ?? []) {
      if (++visited > MAX_COSTED_SELECTIONS) return;
      if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, prefix, multiplier);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) walk(fragments.get(selection.name.value)?.selectionSet, prefix, multiplier);
      else {
        const field = seen.get(selection);
        if (!field) continue;
        const path = prefix ? `${prefix}.${(selection.alias ?? selection.name).value}` : (selection.alias ?? selection.name).value;
        const share = field.cost * multiplier;
        const wrapper = /(Connection|Edge)$/.test(field.parentType) && (selection.name.value === 'edges' || selection.name.value === 'node');
        if (share > 0 && !wrapper) byPath.set(path, Math.max(byPath.get(path) ?? 0, share));
        walk(selection.selectionSet, path, multiplier * field.factor);
      }
    }
  };
  walk(operation.selectionSet, '', 1);
  return [...byPath]
    .map(([path, cost]) => ({ path, cost }))
    .sort((a, b) => b.cost - a.cost || a.path.localeCompare(b.path))
    .slice(0, count);
}

const fragmentsOf = (document: DocumentNode) => {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return fragments;
};

/**
 * The cost of what the operation returned: the same rules, with each paginated field's `first` and
 * each other list's assumed 10 replaced by the most rows or elements that field returned anywhere
 * in `data` (0 where it returned none); a field that returned null everywhere costs nothing. Equal to the requested cost when every
 * page came back full; lower when lists were shorter. Null when it cannot be measured.
 */
export function actualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  data: Record<string, unknown> | null | undefined,
): number | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const rows = new Map<FieldNode, number>();
  const returned = new Set<FieldNode>();
  const fragments = fragmentsOf(document);
  let visited = 0;
  const walk = (set: SelectionSetNode | undefined, value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const element of value) walk(set, element);
      return;
    }
    const object = value as Record<string, unknown>;
    for (const selection of set?.selections ?? []) {
      if (++visited > MAX_ACTUAL_VISITS) return;
      if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, object);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) walk(fragments.get(selection.name.value)?.selectionSet, object);
      else {
        const item = object[(selection.alias ?? selection.name).value];
        if (item === undefined) continue;
        if (item !== null) returned.add(selection);
        rows.set(selection, Math.max(rows.get(selection) ?? 0, sizeOf(item)));
        if (selection.selectionSet) walk(selection.selectionSet, item);
      }
    }
  };
  walk(operation.selectionSet, data);
  const costed = costVariables(operation, variables);
  // The figure depends only on the operation, its (costed) variables and the sizes found: a
  // dashboard asking the same again gets the same sizes, so the last few are kept per document.
  let key: string | null;
  try {
    // Each field named by where it starts in the document, so the key does not depend on the order the walk met them.
    const sizes = [...rows].map(([node, n]) => (node.loc ? `${node.loc.start}:${n}${returned.has(node) ? '' : '-'}` : null));
    key = sizes.includes(null) ? null : `${operationName ?? ''}\u0000${JSON.stringify(costed)}\u0000${sizes.sort().join(',')}`;
  } catch {
    key = null;
  }
  // The figure depends only on the operation, its (costed) variables and the sizes found: a
  // dashboard asking the same again gets the same sizes.
  return actualCosts(schema, document, key, () => {
    try {
      return getComplexity({ schema, query: singleOperation(document, operation), variables: costed, estimators: [costEstimator([], { rows, returned })], maxQueryNodes: MAX_COSTED_SELECTIONS });
    } catch {
      return null;
    }
  });
}

const actualCosts = perDocumentMemo<number | null>();

/**
 * A memo of a pure function of (schema, document, key): the last 32 keys per document are kept
 * (the document is yoga's cached parse, so equal text is the same object); a null key, or one
 * over 2,048 characters (bulk variables), is computed each time rather than kept.
 */
export function perDocumentMemo<V>(variants = 32, maxKey = 2048) {
  const kept = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, V>>>();
  return (schema: GraphQLSchema, document: DocumentNode, key: string | null, compute: () => V): V => {
    if (key === null || key.length > maxKey) return compute();
    let bySchema = kept.get(schema);
    if (!bySchema) kept.set(schema, (bySchema = new WeakMap()));
    let byKey = bySchema.get(document);
    if (!byKey) bySchema.set(document, (byKey = new Map()));
    if (byKey.has(key)) return byKey.get(key)!;
    const value = compute();
    if (byKey.size >= variants) byKey.delete(byKey.keys().next().value!);
    byKey.set(key, value);
    return value;
  };
}

/** Selections visited in a response when measuring what it cost; past this the actual cost is not given. */
const MAX_ACTUAL_VISITS = 1_000_000;

/** A list's elements; a page's rows (its `edges` or `nodes`, or 1 for a page read for its count); 0 for null. */
function sizeOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  if (Array.isArray(value)) return value.length;
  let rows: number | null = null;
  for (const inner of Object.values(value)) if (Array.isArray(inner)) rows = Math.max(rows ?? 0, inner.length);
  return rows ?? 1;
}
