// Writes schema.graphql (the printed, sorted schema). `npm run schema:print`; test/schema.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import { printedSchema } from '../src/schema.ts';

writeFileSync('schema.graphql', printedSchema());
console.log('schema.graphql written');
