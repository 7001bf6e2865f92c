// Every GraphQL operation the console sends, typed by graphql-codegen against schema.graphql
// (`npm run codegen` writes console/src/gql/). Pages stay small: the console never asks for more
// than one screen shows.
import { graphql } from './gql/index.ts';

export const ConsoleLogin = graphql(`
  mutation ConsoleLogin($email: String!, $password: String!) {
    login(email: $email, password: $password) { token user { id email } }
  }
`);

/** Ends the token's session on every instance (its graphql-ws sockets close too). */
export const ConsoleLogout = graphql(`
  mutation ConsoleLogout { logout }
`);

export const ConsoleMe = graphql(`
  query ConsoleMe {
    me {
      user { id email displayName }
      role
      organization { id name }
      memberships { id role status organization { id name } }
    }
  }
`);

export const RequestFields = graphql(`
  fragment ConsoleRequestFields on ApprovalRequest {
    id kind status summary justification reason createdAt decidedAt
    requestedBy { id email displayName }
    decidedBy { id email displayName }
    dimension { key name }
    scopeValue startsAt endsAt
  }
`);

/** The caller's requests to decide and their own, newest first (one page: an inbox, not an archive). */
export const ConsoleRequests = graphql(`
  query ConsoleRequests($status: ApprovalStatus, $first: Int) {
    approvalRequests(status: $status, first: $first) {
      totalCount
      edges { node { ...ConsoleRequestFields } }
    }
  }
`);

export const ConsoleRequest = graphql(`
  query ConsoleRequest($id: ID!) {
    approvalRequest(id: $id) { ...ConsoleRequestFields }
  }
`);

export const ConsoleApprove = graphql(`
  mutation ConsoleApprove($id: ID!, $comment: String) {
    approveRequest(id: $id, comment: $comment) { ...ConsoleRequestFields }
  }
`);

export const ConsoleReject = graphql(`
  mutation ConsoleReject($id: ID!, $reason: String!) {
    rejectRequest(id: $id, reason: $reason) { ...ConsoleRequestFields }
  }
`);

export const ConsoleCancel = graphql(`
  mutation ConsoleCancel($id: ID!) {
    cancelRequest(id: $id) { ...ConsoleRequestFields }
  }
`);

export const ConsoleApprovalEvents = graphql(`
  subscription ConsoleApprovalEvents {
    approvalEvents { type at request { ...ConsoleRequestFields } }
  }
`);

export const ConsoleMyUpdates = graphql(`
  subscription ConsoleMyUpdates {
    myApprovalUpdates { type at request { ...ConsoleRequestFields } }
  }
`);

export const ConsoleMyAccess = graphql(`
  query ConsoleMyAccess {
    kpis(first: 20) {
      edges { node { id key name unit access dimensions { key name } summary { count sum } } }
    }
    myAccessScopes { id value startsAt endsAt active dimension { key name } }
    dimensions { key name values }
    organization { id maxAccessDays }
  }
`);

/** The newest rows of one KPI that the caller may see: row-level security decides which. */
export const ConsoleKpiRows = graphql(`
  query ConsoleKpiRows($id: ID!, $first: Int) {
    kpi(id: $id) {
      id
      data(first: $first) {
        totalCount
        edges { node { period value dimensions { dimension value } } }
      }
    }
  }
`);

export const ConsoleRequestAccess = graphql(`
  mutation ConsoleRequestAccess($dimension: String!, $value: String!, $justification: String!, $startsAt: DateTime, $endsAt: DateTime) {
    requestAccess(dimension: $dimension, value: $value, justification: $justification, startsAt: $startsAt, endsAt: $endsAt) {
      ...ConsoleRequestFields
    }
  }
`);

export type { ConsoleRequestFieldsFragment as Request } from './gql/graphql.ts';

/** The KPIs the dashboard draws: what the caller sees, with their target and dimensions. */
export const ConsoleDashboardKpis = graphql(`
  query ConsoleDashboardKpis {
    kpis(first: 20) {
      edges { node { id key name unit target access dimensions { key name } } }
    }
  }
`);

/**
 * One KPI card of the dashboard in one request: the monthly series split by the dimension the
 * viewer picked, the top groups of that dimension, the unsplit monthly series for the target tile,
 * and the server's account of which scopes shape them.
 */
export const ConsoleKpiCharts = graphql(`
  query ConsoleKpiCharts($id: ID!, $split: [String!], $timeZone: String, $top: Int) {
    kpi(id: $id) {
      id
      monthly: series(input: { bucket: MONTH, timeZone: $timeZone, groupBy: $split }) {
        total { count sum }
        groups { key total { count sum } points { period count sum } }
      }
      top: series(input: { groupBy: $split, top: $top }) {
        groups { key total { count sum } }
      }
      overall: series(input: { bucket: MONTH, timeZone: $timeZone }) {
        groups { key total { count sum } points { period count sum } }
      }
    }
    myAccess(kpiId: $id) { access dimensions { dimension values } }
  }
`);
