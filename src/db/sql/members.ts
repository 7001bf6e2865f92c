// Members' current role and status through the driver, for the live streams that re-authorize
// every subscriber on every event (src/streams/live.ts): ten thousand membership rows through
// Prisma cost tens of milliseconds, one prepared statement a fraction of that.
import type { OrgRole } from '../../authz/matrix.ts';
import type { SqlDriver } from '../client.ts';

export interface CurrentMembership {
  role: OrgRole;
  /** INVITED, ACTIVE or DISABLED. */
  status: string;
}

/** Every membership of the organization as it is now, by user id. */
export async function currentMemberships(sql: SqlDriver, organizationId: string): Promise<Map<string, CurrentMembership>> {
  const rows = await sql.all<{ userId: string; role: OrgRole; status: string }>(
    'SELECT "userId", "role", "status" FROM "Membership" WHERE "organizationId" = ?',
    [organizationId],
  );
  return new Map(rows.map((m) => [m.userId, { role: m.role, status: m.status }]));
}
