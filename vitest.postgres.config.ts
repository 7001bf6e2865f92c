// The same suite against PostgreSQL: each test file creates its own database from TEST_DATABASE_URL.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

if (!process.env.TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL must name the PostgreSQL server for this suite (e.g. postgresql://postgres@127.0.0.1:5432/test)');

export default mergeConfig(base, defineConfig({ test: { maxWorkers: 2 } }));
