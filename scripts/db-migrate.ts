// `npm run db:migrate`: applies pending migrations to DATABASE_URL (default: the embedded SQLite file).
import { loadConfig } from '../src/config.ts';
import { migrateDatabase } from '../src/db/migrate.ts';

const config = loadConfig();
const { applied } = await migrateDatabase(config.DATABASE_URL);
console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Database is up to date.');
