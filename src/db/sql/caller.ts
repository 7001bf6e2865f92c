// The caller of a request in one statement. It runs before a tenant is known, since it is what
// finds the caller's organization: the one statement of this folder without an `organizationId`
// parameter confining it (the organization the request names is only a condition of the join).
import type { OrgRole } from '../../authz/matrix.ts';
import type { SqlDriver } from '../client.ts';

export interface CallerRow {
  id: string;
  email: string;
  displayName: string | null;
  revoked: number;
  membershipId: string | null;
  organizationId: string | null;
  role: OrgRole | null;
  status: 'INVITED' | 'ACTIVE' | 'DISABLED' | null;
  accessVersion: number | null;
}

/**
 * Identity, before a tenant is known: the user (by id from a token, or by email from
 * X-Dev-User), whether logout revoked the token's session (`jti`), and the membership the request
 * acts in (the named organization's, or up to two that are not invitations) with the
 * organization's access version. Runs on every request; nothing is cached, so a role change, a
 * disabled membership or a logout takes effect on the next request on every instance.
 */
export function readCaller(sql: SqlDriver, by: 'id' | 'email', key: string, jti: string | null, organizationId: string | null): Promise<CallerRow[]> {
  const params: string[] = [];
  let revoked = '0';
  if (jti) {
    revoked = 'CASE WHEN EXISTS (SELECT 1 FROM "RevokedToken" r WHERE r."jti" = ?) THEN 1 ELSE 0 END';
    params.push(jti);
  }
  let membership = `m."status" <> 'INVITED'`;
  if (organizationId) {
    membership = 'm."organizationId" = ?';
    params.push(organizationId);
  }
  params.push(key);
  // `by` names the column: one of the two literals above, never the caller's text.
  const column = by === 'id' ? '"id"' : '"email"';
  return sql.all<CallerRow>(
    `SELECT u."id", u."email", u."displayName", ${revoked} AS "revoked", m."id" AS "membershipId", m."organizationId", m."role", m."status", o."accessVersion"
     FROM "User" u
     LEFT JOIN "Membership" m ON m."userId" = u."id" AND ${membership}
     LEFT JOIN "Organization" o ON o."id" = m."organizationId"
     WHERE u.${column} = ? LIMIT 2`,
    params,
  );
}
