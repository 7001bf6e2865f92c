// Assembles the schema from the domains.
import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.ts';
import './identity/schema.ts';
import './audit/schema.ts';
import './approvals/schema.ts';
import './kpis/schema/index.ts';
import './workflows/schema/index.ts';
import './pii/schema.ts';
import './reviews/schema/index.ts';

export const schema = builder.toSchema();

/** The text of schema.graphql. */
export const printedSchema = () => printSchema(lexicographicSortSchema(schema)) + '\n';
