/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation ConsoleLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) { token user { id email } }\n  }\n": typeof types.ConsoleLoginDocument,
    "\n  mutation ConsoleLogout { logout }\n": typeof types.ConsoleLogoutDocument,
    "\n  query ConsoleMe {\n    me {\n      user { id email displayName }\n      role\n      organization { id name }\n      memberships { id role status organization { id name } }\n    }\n  }\n": typeof types.ConsoleMeDocument,
    "\n  fragment ConsoleRequestFields on ApprovalRequest {\n    id kind status summary justification reason createdAt decidedAt\n    requestedBy { id email displayName }\n    decidedBy { id email displayName }\n    dimension { key name }\n    scopeValue startsAt endsAt\n  }\n": typeof types.ConsoleRequestFieldsFragmentDoc,
    "\n  query ConsoleRequests($status: ApprovalStatus, $first: Int) {\n    approvalRequests(status: $status, first: $first) {\n      totalCount\n      edges { node { ...ConsoleRequestFields } }\n    }\n  }\n": typeof types.ConsoleRequestsDocument,
    "\n  query ConsoleRequest($id: ID!) {\n    approvalRequest(id: $id) { ...ConsoleRequestFields }\n  }\n": typeof types.ConsoleRequestDocument,
    "\n  mutation ConsoleApprove($id: ID!, $comment: String) {\n    approveRequest(id: $id, comment: $comment) { ...ConsoleRequestFields }\n  }\n": typeof types.ConsoleApproveDocument,
    "\n  mutation ConsoleReject($id: ID!, $reason: String!) {\n    rejectRequest(id: $id, reason: $reason) { ...ConsoleRequestFields }\n  }\n": typeof types.ConsoleRejectDocument,
    "\n  mutation ConsoleCancel($id: ID!) {\n    cancelRequest(id: $id) { ...ConsoleRequestFields }\n  }\n": typeof types.ConsoleCancelDocument,
    "\n  subscription ConsoleApprovalEvents {\n    approvalEvents { type at request { ...ConsoleRequestFields } }\n  }\n": typeof types.ConsoleApprovalEventsDocument,
    "\n  subscription ConsoleMyUpdates {\n    myApprovalUpdates { type at request { ...ConsoleRequestFields } }\n  }\n": typeof types.ConsoleMyUpdatesDocument,
    "\n  query ConsoleMyAccess {\n    kpis(first: 20) {\n      edges { node { id key name unit access dimensions { key name } summary { count sum } } }\n    }\n    myAccessScopes { id value startsAt endsAt active dimension { key name } }\n    dimensions { key name values }\n    organization { id maxAccessDays }\n  }\n": typeof types.ConsoleMyAccessDocument,
    "\n  query ConsoleKpiRows($id: ID!, $first: Int) {\n    kpi(id: $id) {\n      id\n      data(first: $first) {\n        totalCount\n        edges { node { period value dimensions { dimension value } } }\n      }\n    }\n  }\n": typeof types.ConsoleKpiRowsDocument,
    "\n  mutation ConsoleRequestAccess($dimension: String!, $value: String!, $justification: String!, $startsAt: DateTime, $endsAt: DateTime) {\n    requestAccess(dimension: $dimension, value: $value, justification: $justification, startsAt: $startsAt, endsAt: $endsAt) {\n      ...ConsoleRequestFields\n    }\n  }\n": typeof types.ConsoleRequestAccessDocument,
    "\n  query ConsoleDashboardKpis {\n    kpis(first: 20) {\n      edges { node { id key name unit target access dimensions { key name } } }\n    }\n  }\n": typeof types.ConsoleDashboardKpisDocument,
    "\n  query ConsoleKpiCharts($id: ID!, $split: [String!], $timeZone: String, $top: Int) {\n    kpi(id: $id) {\n      id\n      monthly: series(input: { bucket: MONTH, timeZone: $timeZone, groupBy: $split }) {\n        total { count sum }\n        groups { key total { count sum } points { period count sum } }\n      }\n      top: series(input: { groupBy: $split, top: $top }) {\n        groups { key total { count sum } }\n      }\n      overall: series(input: { bucket: MONTH, timeZone: $timeZone }) {\n        groups { key total { count sum } points { period count sum } }\n      }\n    }\n    myAccess(kpiId: $id) { access dimensions { dimension values } }\n  }\n": typeof types.ConsoleKpiChartsDocument,
};
const documents: Documents = {
    "\n  mutation ConsoleLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) { token user { id email } }\n  }\n": types.ConsoleLoginDocument,
    "\n  mutation ConsoleLogout { logout }\n": types.ConsoleLogoutDocument,
    "\n  query ConsoleMe {\n    me {\n      user { id email displayName }\n      role\n      organization { id name }\n      memberships { id role status organization { id name } }\n    }\n  }\n": types.ConsoleMeDocument,
    "\n  fragment ConsoleRequestFields on ApprovalRequest {\n    id kind status summary justification reason createdAt decidedAt\n    requestedBy { id email displayName }\n    decidedBy { id email displayName }\n    dimension { key name }\n    scopeValue startsAt endsAt\n  }\n": types.ConsoleRequestFieldsFragmentDoc,
    "\n  query ConsoleRequests($status: ApprovalStatus, $first: Int) {\n    approvalRequests(status: $status, first: $first) {\n      totalCount\n      edges { node { ...ConsoleRequestFields } }\n    }\n  }\n": types.ConsoleRequestsDocument,
    "\n  query ConsoleRequest($id: ID!) {\n    approvalRequest(id: $id) { ...ConsoleRequestFields }\n  }\n": types.ConsoleRequestDocument,
    "\n  mutation ConsoleApprove($id: ID!, $comment: String) {\n    approveRequest(id: $id, comment: $comment) { ...ConsoleRequestFields }\n  }\n": types.ConsoleApproveDocument,
    "\n  mutation ConsoleReject($id: ID!, $reason: String!) {\n    rejectRequest(id: $id, reason: $reason) { ...ConsoleRequestFields }\n  }\n": types.ConsoleRejectDocument,
    "\n  mutation ConsoleCancel($id: ID!) {\n    cancelRequest(id: $id) { ...ConsoleRequestFields }\n  }\n": types.ConsoleCancelDocument,
    "\n  subscription ConsoleApprovalEvents {\n    approvalEvents { type at request { ...ConsoleRequestFields } }\n  }\n": types.ConsoleApprovalEventsDocument,
    "\n  subscription ConsoleMyUpdates {\n    myApprovalUpdates { type at request { ...ConsoleRequestFields } }\n  }\n": types.ConsoleMyUpdatesDocument,
    "\n  query ConsoleMyAccess {\n    kpis(first: 20) {\n      edges { node { id key name unit access dimensions { key name } summary { count sum } } }\n    }\n    myAccessScopes { id value startsAt endsAt active dimension { key name } }\n    dimensions { key name values }\n    organization { id maxAccessDays }\n  }\n": types.ConsoleMyAccessDocument,
    "\n  query ConsoleKpiRows($id: ID!, $first: Int) {\n    kpi(id: $id) {\n      id\n      data(first: $first) {\n        totalCount\n        edges { node { period value dimensions { dimension value } } }\n      }\n    }\n  }\n": types.ConsoleKpiRowsDocument,
    "\n  mutation ConsoleRequestAccess($dimension: String!, $value: String!, $justification: String!, $startsAt: DateTime, $endsAt: DateTime) {\n    requestAccess(dimension: $dimension, value: $value, justification: $justification, startsAt: $startsAt, endsAt: $endsAt) {\n      ...ConsoleRequestFields\n    }\n  }\n": types.ConsoleRequestAccessDocument,
    "\n  query ConsoleDashboardKpis {\n    kpis(first: 20) {\n      edges { node { id key name unit target access dimensions { key name } } }\n    }\n  }\n": types.ConsoleDashboardKpisDocument,
    "\n  query ConsoleKpiCharts($id: ID!, $split: [String!], $timeZone: String, $top: Int) {\n    kpi(id: $id) {\n      id\n      monthly: series(input: { bucket: MONTH, timeZone: $timeZone, groupBy: $split }) {\n        total { count sum }\n        groups { key total { count sum } points { period count sum } }\n      }\n      top: series(input: { groupBy: $split, top: $top }) {\n        groups { key total { count sum } }\n      }\n      overall: series(input: { bucket: MONTH, timeZone: $timeZone }) {\n        groups { key total { count sum } points { period count sum } }\n      }\n    }\n    myAccess(kpiId: $id) { access dimensions { dimension values } }\n  }\n": types.ConsoleKpiChartsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) { token user { id email } }\n  }\n"): typeof import('./graphql').ConsoleLoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleLogout { logout }\n"): typeof import('./graphql').ConsoleLogoutDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMe {\n    me {\n      user { id email displayName }\n      role\n      organization { id name }\n      memberships { id role status organization { id name } }\n    }\n  }\n"): typeof import('./graphql').ConsoleMeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConsoleRequestFields on ApprovalRequest {\n    id kind status summary justification reason createdAt decidedAt\n    requestedBy { id email displayName }\n    decidedBy { id email displayName }\n    dimension { key name }\n    scopeValue startsAt endsAt\n  }\n"): typeof import('./graphql').ConsoleRequestFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRequests($status: ApprovalStatus, $first: Int) {\n    approvalRequests(status: $status, first: $first) {\n      totalCount\n      edges { node { ...ConsoleRequestFields } }\n    }\n  }\n"): typeof import('./graphql').ConsoleRequestsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRequest($id: ID!) {\n    approvalRequest(id: $id) { ...ConsoleRequestFields }\n  }\n"): typeof import('./graphql').ConsoleRequestDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleApprove($id: ID!, $comment: String) {\n    approveRequest(id: $id, comment: $comment) { ...ConsoleRequestFields }\n  }\n"): typeof import('./graphql').ConsoleApproveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleReject($id: ID!, $reason: String!) {\n    rejectRequest(id: $id, reason: $reason) { ...ConsoleRequestFields }\n  }\n"): typeof import('./graphql').ConsoleRejectDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCancel($id: ID!) {\n    cancelRequest(id: $id) { ...ConsoleRequestFields }\n  }\n"): typeof import('./graphql').ConsoleCancelDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleApprovalEvents {\n    approvalEvents { type at request { ...ConsoleRequestFields } }\n  }\n"): typeof import('./graphql').ConsoleApprovalEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleMyUpdates {\n    myApprovalUpdates { type at request { ...ConsoleRequestFields } }\n  }\n"): typeof import('./graphql').ConsoleMyUpdatesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMyAccess {\n    kpis(first: 20) {\n      edges { node { id key name unit access dimensions { key name } summary { count sum } } }\n    }\n    myAccessScopes { id value startsAt endsAt active dimension { key name } }\n    dimensions { key name values }\n    organization { id maxAccessDays }\n  }\n"): typeof import('./graphql').ConsoleMyAccessDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleKpiRows($id: ID!, $first: Int) {\n    kpi(id: $id) {\n      id\n      data(first: $first) {\n        totalCount\n        edges { node { period value dimensions { dimension value } } }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleKpiRowsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRequestAccess($dimension: String!, $value: String!, $justification: String!, $startsAt: DateTime, $endsAt: DateTime) {\n    requestAccess(dimension: $dimension, value: $value, justification: $justification, startsAt: $startsAt, endsAt: $endsAt) {\n      ...ConsoleRequestFields\n    }\n  }\n"): typeof import('./graphql').ConsoleRequestAccessDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleDashboardKpis {\n    kpis(first: 20) {\n      edges { node { id key name unit target access dimensions { key name } } }\n    }\n  }\n"): typeof import('./graphql').ConsoleDashboardKpisDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleKpiCharts($id: ID!, $split: [String!], $timeZone: String, $top: Int) {\n    kpi(id: $id) {\n      id\n      monthly: series(input: { bucket: MONTH, timeZone: $timeZone, groupBy: $split }) {\n        total { count sum }\n        groups { key total { count sum } points { period count sum } }\n      }\n      top: series(input: { groupBy: $split, top: $top }) {\n        groups { key total { count sum } }\n      }\n      overall: series(input: { bucket: MONTH, timeZone: $timeZone }) {\n        groups { key total { count sum } points { period count sum } }\n      }\n    }\n    myAccess(kpiId: $id) { access dimensions { dimension values } }\n  }\n"): typeof import('./graphql').ConsoleKpiChartsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
