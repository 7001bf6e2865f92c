// Enforces the operation limits on every operation, over HTTP, SSE and graphql-ws alike (all go
// through yoga's envelop): tokens when parsing, depth, aliases and directives when validating (the
// same whatever the variables, so cacheable), page sizes and cost just before execution, where the
// variables are known. A refusal is OPERATION_LIMIT with the rule, the measured value and the limit.
import { getOperationAST, GraphQLError, parse, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { AppError, ErrorCode } from '../errors.ts';
import { DEFAULT_PAGE_SIZE } from '../input-limits.ts';
import { actualCost, costliestFields, costVariables, countDirectives, MAX_COSTED_SELECTIONS, measureCost, measureShape, perDocumentMemo, UNPAGED_LIST_SIZE, type CostResult } from './measure.ts';

export interface OperationLimits {
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxCost: number;
  maxPageSize: number;
}

export type LimitRule = 'operation.tokens' | 'operation.depth' | 'operation.aliases' | 'operation.directives' | 'operation.page-size' | 'operation.cost';

/** A refused operation: nothing of it ran. `measured` and `limit` say by how much it was over. */
export const limitError = (rule: LimitRule, message: string, measured: number, limit: number, details: Record<string, unknown> = {}) =>
  new AppError(ErrorCode.OPERATION_LIMIT, `${message} Nothing was run.`, { rule, details: { measured, limit, ...details } });

const costHint =
  `A field returning an object costs 1 and \`totalCount\` 1; a paginated field costs its \`first\` (${DEFAULT_PAGE_SIZE} when omitted) times what it selects; ` +
  `other lists of objects count as ${UNPAGED_LIST_SIZE} elements.`;

/** A parse function that stops at `maxTokens` tokens, before the whole document is read. */
export function parseWithTokenLimit(maxTokens: number) {
  return (source: Parameters<typeof parse>[0], options?: Parameters<typeof parse>[1]): DocumentNode => {
    try {
      return parse(source, { ...options, maxTokens });
    } catch (error) {
      if (error instanceof GraphQLError && /contains more tha[nt] \d+ tokens/.test(error.message))
        throw limitError('operation.tokens', `The document has more than ${maxTokens} tokens, the most an operation may have.`, maxTokens + 1, maxTokens);
      throw error;
    }
  };
}

/** Depth, aliases and directives of every operation in the document. */
export function shapeRule(limits: OperationLimits): ValidationRule {
  // Named: yoga's validation cache keys on the rules' names.
  const OperationShapeRule: ValidationRule = (context) => {
    const document = context.getDocument();
    const directives = countDirectives(document);
    if (directives > limits.maxDirectives)
      context.reportError(limitError('operation.directives', `The document uses ${directives} directives; at most ${limits.maxDirectives} are accepted.`, directives, limits.maxDirectives));
    return {
      OperationDefinition(operation) {
        const { depth, aliases } = measureShape(document, operation);
        if (depth > limits.maxDepth)
          context.reportError(
            limitError(
              'operation.depth',
              `The operation nests fields ${depth} levels deep, over the depth limit of ${limits.maxDepth}. Fetch the deeper part with a second query (by \`node(id:)\`).`,
              depth,
              limits.maxDepth,
            ),
          );
        if (aliases > limits.maxAliases)
          context.reportError(
            limitError('operation.aliases', `The operation uses ${aliases} aliases, over the limit of ${limits.maxAliases} aliases per operation.`, aliases, limits.maxAliases),
          );
        return false;
      },
    };
  };
  return OperationShapeRule;
}

/**
 * measureCost is a pure function of the schema, document, operation and variables; dashboards send
 * the same operation with the same variables again and again, so the last few results per document
 * are kept. Bulk variables (a batch's points) count as empty in the cost and in the key.
 */
const measuredCosts = perDocumentMemo<CostResult>();
function measuredCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName?: string | null): CostResult {
  const operation = getOperationAST(document, operationName);
  let key: string | null;
  try {
    key = `${operationName ?? ''}\u0000${JSON.stringify(operation ? costVariables(operation, variables) : variables)}`;
  } catch {
    // Nested past JSON.stringify's stack: measured (then refused by the input depth limit) unkept.
    key = null;
  }
  return measuredCosts(schema, document, key, () => measureCost(schema, document, variables, operationName));
}

/**
 * What an answer says of its cost (`extensions.cost`): `requested`, the cost measured before it ran
 * (the figure the limit is compared with); `actual`, the same rules over what it returned, when that
 * differs (lists shorter than their `first`); `limit`, MAX_COST.
 */
export interface CostExtension {
  requested: number;
  actual?: number;
  limit: number;
}

/** How many of the costliest fields a cost refusal names. */
export const COSTLIEST_FIELDS = 5;

/** Page sizes and cost of the operation about to run, with its variables: the refusal, or null when it may run, and the cost measured. */
export function costCheck(
  limits: OperationLimits,
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: unknown,
  operationName?: string | null,
): { refusal: AppError | null; requested: number | null } {
  const vars = (variables ?? {}) as Record<string, unknown>;
  const result = measuredCost(schema, document, vars, operationName);
  // Execution refuses these itself (unknown operation, variables of the wrong type) before any resolver runs.
  if ('unmeasured' in result) return { refusal: null, requested: null };
  if ('tooLarge' in result)
    return {
      requested: null,
      refusal: limitError(
        'operation.cost',
        `The operation expands (fragments included) to more than ${MAX_COSTED_SELECTIONS} field selections; it cannot be measured, so it is refused.`,
        MAX_COSTED_SELECTIONS + 1,
        MAX_COSTED_SELECTIONS,
      ),
    };
  const huge = result.pages.find((p) => p.first > limits.maxPageSize);
  if (huge)
    return {
      requested: result.cost,
      refusal: limitError(
        'operation.page-size',
        `\`first\` must be between 0 and ${limits.maxPageSize} (the maximum page size); ${huge.field} asked for ${huge.first}. Page through with \`after\`.`,
        huge.first,
        limits.maxPageSize,
        { field: huge.field },
      ),
    };
  if (result.cost > limits.maxCost) {
    // Measured again for the refusal only, with every field's share: refusals are rare, answers are not.
    const fields = costliestFields(schema, document, vars, operationName, COSTLIEST_FIELDS);
    const named = fields.slice(0, 3).map((f) => `${f.path} (${f.cost})`).join(', ');
    return {
      requested: result.cost,
      refusal: limitError(
        'operation.cost',
        `The operation's cost is ${result.cost}, over the cost limit of ${limits.maxCost}; the dearest fields are ${named}. ${costHint} Ask for smaller pages, or split the operation.`,
        result.cost,
        limits.maxCost,
        { fields },
      ),
    };
  }
  return { refusal: null, requested: result.cost };
}

/** Page sizes and cost of the operation about to run, with its variables; null when it may run. */
export function costRefusal(limits: OperationLimits, schema: GraphQLSchema, document: DocumentNode, variables: unknown, operationName?: string | null): AppError | null {
  return costCheck(limits, schema, document, variables, operationName).refusal;
}

type Result = { data?: Record<string, unknown> | null; errors?: readonly unknown[]; extensions?: Record<string, unknown> };

export function useOperationLimits(limits: OperationLimits): Plugin {
  const rule = shapeRule(limits);
  const parseFn = parseWithTokenLimit(limits.maxTokens);
  return {
    onParse({ setParseFn }) {
      setParseFn(parseFn);
    },
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const { refusal, requested } = costCheck(limits, args.schema, args.document, args.variableValues, args.operationName);
      if (refusal) {
        setResultAndStopExecution({ errors: [refusal], ...(requested === null ? {} : { extensions: { cost: { requested, limit: limits.maxCost } } }) });
        return;
      }
      if (requested === null) return;
      // Every answer of a query or mutation says what it cost (docs/errors.md, "Cost of an answer").
      return {
        onExecuteDone({ result, setResult }) {
          if (!result || typeof result !== 'object' || Symbol.asyncIterator in result) return;
          const answer = result as Result;
          const actual = actualCost(args.schema, args.document, args.variableValues as Record<string, unknown>, args.operationName, answer.data);
          const cost: CostExtension = actual !== null && actual !== requested ? { requested, actual, limit: limits.maxCost } : { requested, limit: limits.maxCost };
          setResult({ ...answer, extensions: { ...answer.extensions, cost } } as never);
        },
      };
    },
    // A subscription's cost is checked when it opens; its events carry none (docs/errors.md).
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = costRefusal(limits, args.schema, args.document, args.variableValues, args.operationName);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
