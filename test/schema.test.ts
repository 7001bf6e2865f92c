// schema.graphql is the printed schema: this fails when it is stale (`npm run schema:print`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../src/schema.ts';

describe('schema.graphql', () => {
  it('matches the schema the code builds', () => {
    expect(readFileSync('schema.graphql', 'utf8')).toBe(printedSchema());
  });
});
