// schema.graphql is the printed schema and the migrations match the models: these fail when stale.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../src/schema.ts';

describe('schema.graphql', () => {
  it('matches the schema the code builds', () => {
    expect(readFileSync('schema.graphql', 'utf8')).toBe(printedSchema());
  });
});

describe('migrations', () => {
  it.each(['sqlite', 'postgresql'])('%s: the last migration was made from the current models', (provider) => {
    // `npm run db:migration:create -- <name>` writes the snapshot with each migration.
    expect(readFileSync(`prisma/${provider}/migrations/schema.snapshot.prisma`, 'utf8')).toBe(readFileSync(`prisma/${provider}/schema.prisma`, 'utf8'));
  });
});
