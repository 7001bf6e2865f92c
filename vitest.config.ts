import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * Files that change the process for whoever runs next in their worker: tracing registers a global
 * tracer provider, context manager and Prisma instrumentation, and sets OTEL_* variables.
 */
const ISOLATED = ['test/ops-tracing.test.ts'];

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS (main) and ESM (module) builds. Dependencies loaded by Node get the
    // CommonJS one; without this alias Vite would hand our sources the ESM one, and graphql refuses
    // to mix schema objects of two instances. Pin everything to the one Node resolves.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          exclude: ISOLATED,
          // A worker runs its files one after another on one module graph: importing the app
          // (Prisma, the schema, yoga, OpenTelemetry) took about 9 s of CPU per file, more than most
          // files' tests. Every file builds its own app on its own database, and the modules'
          // caches are keyed by ids no other file shares.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
    ],
  },
});
