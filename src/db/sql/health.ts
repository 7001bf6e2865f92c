// Readiness: whether the database answers through Prisma's connection (the one every business
// query takes). Reads no table, so it has no tenant.
import type { Db } from '../client.ts';

/** Reads no row: true when the database answers a trivial statement, false on any error. */
export function ping(db: Db): Promise<boolean> {
  return db.$queryRawUnsafe('SELECT 1').then(
    () => true,
    () => false,
  );
}
