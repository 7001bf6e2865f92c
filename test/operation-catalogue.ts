// The operations that people are told to send: the README's and docs pages', the demo stories',
// GraphiQL's default tabs', the console's.
// Read from their sources at test time, so an operation added there is checked without a list
// to update here. Each comes with the variables that make it dearest (every `first` at the maximum).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  parse,
  print,
  typeFromAST,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type NamedTypeNode,
  type OperationDefinitionNode,
} from 'graphql';
import { loadConfig } from '../src/config.ts';
import { graphiqlOptions } from '../src/http/graphiql.ts';
import { ApprovalRequestQ, ApprovalRequests, ApproveRequest, Customers, KpiData, Kpis, Login, RequestAccess, RunWorkflow } from './ops.ts';

const root = join(import.meta.dirname, '..');

export interface CatalogueEntry {
  /** Where it comes from, e.g. `docs/approvals.md: mutation { setApprovalPolicy(… ` or `console: ConsoleRequests`. */
  source: string;
  document: DocumentNode;
}

/** Each operation of a document on its own, with the fragments it spreads (a docs block may hold several steps). */
function splitOperations(definitions: readonly DefinitionNode[], source: (operation: OperationDefinitionNode) => string): CatalogueEntry[] {
  const fragments = new Map(definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const spreadIn = (node: OperationDefinitionNode | FragmentDefinitionNode, into = new Set<string>()) => {
    visit(node, {
      FragmentSpread(spread) {
        if (into.has(spread.name.value)) return;
        into.add(spread.name.value);
        spreadIn(fragments.get(spread.name.value)!, into);
      },
    });
    return into;
  };
  return definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => ({
      source: source(operation),
      document: { kind: Kind.DOCUMENT, definitions: [operation, ...[...spreadIn(operation)].map((name) => fragments.get(name)!)] },
    }));
}

const fromText = (where: string, text: string) =>
  splitOperations(parse(text).definitions, (operation) => `${where}: ${operation.name?.value ?? print(operation).replace(/\s+/g, ' ').slice(0, 60)}`);

/** The README and the docs pages, each by its path. */
function documentationPages(): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  return ['README.md', ...docs.sort()];
}

/**
 * GraphQL in the README and docs/*.md: inline code that starts with `query`, `mutation` or
 * `subscription`, fenced `graphql` blocks, and `query: '…'` strings of their JavaScript. Each
 * entry's source starts with the page it comes from.
 */
export function documentedOperations(): CatalogueEntry[] {
  const found: CatalogueEntry[] = [];
  for (const page of documentationPages()) {
    const text = readFileSync(join(root, page), 'utf8');
    for (const [, block] of text.matchAll(/```graphql\n([\s\S]*?)```/g)) found.push(...fromText(page, block!));
    const prose = text.replace(/```[\s\S]*?```/g, '');
    for (const [, code] of prose.matchAll(/`((?:query|mutation|subscription)[\s({][^`]*)`/g)) found.push(...fromText(page, code!));
    for (const [, code] of text.matchAll(/query: '((?:query|mutation|subscription|\{)[^']*)'/g)) found.push(...fromText(page, code!));
  }
  return found;
}

/** The operations the demo stories walk (README "The demo stories", the seed's printed stories). */
export function demoOperations(): CatalogueEntry[] {
  const docs: Record<string, TypedDocumentNode<any, any>> = { Login, Kpis, KpiData, RequestAccess, ApproveRequest, ApprovalRequests, ApprovalRequestQ, Customers, RunWorkflow };
  return [
    ...Object.entries(docs).map(([name, doc]) => ({ source: `demo: ${name}`, document: parse(print(doc)) })),
    ...fromText('demo', 'query workflows { workflows { edges { node { id name approvalStatus approvalRequest { id } } } } }'),
  ];
}

/** Every operation of GraphiQL's default tabs, as development with the demo (and dev headers or not) opens it. */
export function graphiqlOperations(): CatalogueEntry[] {
  const tabs = [true, false].flatMap((AUTH_DEV_HEADERS) =>
    graphiqlOptions({ ...loadConfig({ NODE_ENV: 'development', JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'file:/tmp/unused.db' }), AUTH_DEV_HEADERS }).defaultTabs ?? [],
  );
  return [...new Set(tabs.map((t) => t.query!))].flatMap((text) => fromText('GraphiQL', text));
}

/** Every operation of the console, each with the fragments it spreads. */
export function consoleOperations(): CatalogueEntry[] {
  const file = join(root, 'console/src/operations.ts');
  if (!existsSync(file)) return [];
  const definitions = [...readFileSync(file, 'utf8').matchAll(/graphql\(`([\s\S]*?)`\)/g)].flatMap(([, text]) => parse(text!).definitions);
  return splitOperations(definitions, (operation) => `console: ${operation.name?.value ?? 'anonymous'}`);
}

/** A value of the input type; for `first` (and any Int named like a page size) the maximum page size. */
function sampleValue(type: GraphQLInputType, name: string, maxPageSize: number): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType, name, maxPageSize);
  if (isListType(type)) return [sampleValue(type.ofType, name, maxPageSize)];
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0]!.value;
  if (isInputObjectType(named))
    return Object.fromEntries(
      Object.values(named.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, sampleValue(f.type, f.name, maxPageSize)]),
    );
  switch (named.name) {
    case 'Int':
      return /^(first|last|limit|pageSize)$/i.test(name) ? maxPageSize : 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return true;
    case 'DateTime':
      return '2026-01-01T00:00:00.000Z';
    case 'JSON':
      return {};
    default:
      return 'x';
  }
}

/** Variables for every variable of the operation (the dearest: each `first` at the maximum page size). */
export function dearestVariables(schema: GraphQLSchema, document: DocumentNode, maxPageSize: number): Record<string, unknown> {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return Object.fromEntries(
    (operation.variableDefinitions ?? []).map((v) => [
      v.variable.name.value,
      sampleValue(typeFromAST(schema, v.type as NamedTypeNode) as GraphQLInputType, v.variable.name.value, maxPageSize),
    ]),
  );
}
