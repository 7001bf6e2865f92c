/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** What happened to a request. approvalEvents sends every value but SCOPE_EXPIRING; myApprovalUpdates sends every value. */
export type ApprovalEventType =
  /** An approval was recorded and more are needed (both subscriptions). */
  | 'APPROVAL_PROGRESS'
  /** Approved, its effect applied (both subscriptions). */
  | 'APPROVED'
  /** Cancelled by its requester (both subscriptions). */
  | 'CANCELLED'
  /** Expired undecided (both subscriptions). */
  | 'EXPIRED'
  /** Rejected (both subscriptions). */
  | 'REJECTED'
  /** Raised (both subscriptions). */
  | 'REQUESTED'
  /** myApprovalUpdates only: the scope an approved ACCESS_SCOPE request gave the subscriber ends soon; approvalEvents never sends it. */
  | 'SCOPE_EXPIRING';

export type ApprovalKind =
  | 'ACCESS_SCOPE'
  | 'PII_CHANGE'
  | 'WORKFLOW';

export type ApprovalStatus =
  | 'APPROVED'
  | 'CANCELLED'
  | 'EXPIRED'
  | 'PENDING'
  | 'REJECTED';

export type KpiAccess =
  | 'FULL'
  | 'NONE'
  | 'RESTRICTED';

export type MembershipStatus =
  | 'ACTIVE'
  | 'DISABLED'
  | 'INVITED';

export type OrgRole =
  | 'ADMIN'
  | 'EDITOR'
  | 'OWNER'
  | 'VIEWER';

export type ConsoleLoginMutationVariables = Exact<{
  email: string;
  password: string;
}>;


export type ConsoleLoginMutation = { login: { token: string, user: { id: string, email: string } } };

export type ConsoleLogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type ConsoleLogoutMutation = { logout: boolean };

export type ConsoleMeQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMeQuery = { me: { role: OrgRole | null, user: { id: string, email: string, displayName: string | null }, organization: { id: string, name: string } | null, memberships: Array<{ id: string, role: OrgRole, status: MembershipStatus, organization: { id: string, name: string } }> } };

export type ConsoleRequestFieldsFragment = { id: string, kind: ApprovalKind, status: ApprovalStatus, summary: string, justification: string | null, reason: string | null, createdAt: string, decidedAt: string | null, scopeValue: string | null, startsAt: string | null, endsAt: string | null, requestedBy: { id: string, email: string, displayName: string | null }, decidedBy: { id: string, email: string, displayName: string | null } | null, dimension: { key: string, name: string } | null };

export type ConsoleRequestsQueryVariables = Exact<{
  status?: ApprovalStatus | null | undefined;
  first?: number | null | undefined;
}>;


export type ConsoleRequestsQuery = { approvalRequests: { totalCount: number, edges: Array<{ node: { id: string, kind: ApprovalKind, status: ApprovalStatus, summary: string, justification: string | null, reason: string | null, createdAt: string, decidedAt: string | null, scopeValue: string | null, startsAt: string | null, endsAt: string | null, requestedBy: { id: string, email: string, displayName: string | null }, decidedBy: { id: string, email: string, displayName: string | null } | null, dimension: { key: string, name: string } | null } }> } };

export type ConsoleRequestQueryVariables = Exact<{
  id: string;
}>;


export type ConsoleRequestQuery = { approvalRequest: { id: string, kind: ApprovalKind, status: ApprovalStatus, summary: string, justification: string | null, reason: string | null, createdAt: string, decidedAt: string | null, scopeValue: string | null, startsAt: string | null, endsAt: string | null, requestedBy: { id: string, email: string, displayName: string | null }, decidedBy: { id: string, email: string, displayName: string | null } | null, dimension: { key: string, name: string } | null } | null };

export type ConsoleApproveMutationVariables = Exact<{
  id: string;
  comment?: string | null | undefined;
}>;


export type ConsoleApproveMutation = { approveRequest: { id: string, kind: ApprovalKind, status: ApprovalStatus, summary: string, justification: string | null, reason: string | null, createdAt: string, decidedAt: string | null, scopeValue: string | null, startsAt: string | null, endsAt: string | null, requestedBy: { id: string, email: string, displayName: string | null }, decidedBy: { id: string, email: string, displayName: string | null } | null, dimension: { key: string, name: string } | null } };

export type ConsoleRejectMutationVariables = Exact<{
  id: string;
  reason: string;
}>;


export type ConsoleRejectMutation = { rejectRequest: { id: string, kind: ApprovalKind, status: ApprovalStatus, summary: string, justification: string | null, reason: string | null, createdAt: string, decidedAt: string | null, scopeValue: string | null, startsAt: string | null, endsAt: string | null, requestedBy: { id: string, email: string, displayName: string | null }, decidedBy: { id: string, email: string, displayName: string | null } | null, dimension: { key: string, name: string } | null } };

export type ConsoleCancelMutationVariables = Exact<{
  id: string;
}>;


export type ConsoleCancelMutation = { cancelRequest: { id: string, kind: ApprovalKind, status: ApprovalStatus, summary: string, justification: string | null, reason: string | null, createdAt: string, decidedAt: string | null, scopeValue: string | null, startsAt: string | null, endsAt: string | null, requestedBy: { id: string, email: string, displayName: string | null }, decidedBy: { id: string, email: string, displayName: string | null } | null, dimension: { key: string, name: string } | null } };

export type ConsoleApprovalEventsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleApprovalEventsSubscription = { approvalEvents: { type: ApprovalEventType, at: string, request: { id: string, kind: ApprovalKind, status: ApprovalStatus, summary: string, justification: string | null, reason: string | null, createdAt: string, decidedAt: string | null, scopeValue: string | null, startsAt: string | null, endsAt: string | null, requestedBy: { id: string, email: string, displayName: string | null }, decidedBy: { id: string, email: string, displayName: string | null } | null, dimension: { key: string, name: string } | null } } };

export type ConsoleMyUpdatesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMyUpdatesSubscription = { myApprovalUpdates: { type: ApprovalEventType, at: string, request: { id: string, kind: ApprovalKind, status: ApprovalStatus, summary: string, justification: string | null, reason: string | null, createdAt: string, decidedAt: string | null, scopeValue: string | null, startsAt: string | null, endsAt: string | null, requestedBy: { id: string, email: string, displayName: string | null }, decidedBy: { id: string, email: string, displayName: string | null } | null, dimension: { key: string, name: string } | null } } };

export type ConsoleMyAccessQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMyAccessQuery = { kpis: { edges: Array<{ node: { id: string, key: string, name: string, unit: string | null, access: KpiAccess, dimensions: Array<{ key: string, name: string }>, summary: { count: number, sum: number | null } } }> }, myAccessScopes: Array<{ id: string, value: string, startsAt: string | null, endsAt: string | null, active: boolean, dimension: { key: string, name: string } }>, dimensions: Array<{ key: string, name: string, values: Array<string> }>, organization: { id: string, maxAccessDays: number | null } };

export type ConsoleKpiRowsQueryVariables = Exact<{
  id: string;
  first?: number | null | undefined;
}>;


export type ConsoleKpiRowsQuery = { kpi: { id: string, data: { totalCount: number, edges: Array<{ node: { period: string, value: number, dimensions: Array<{ dimension: string, value: string }> } }> } } | null };

export type ConsoleRequestAccessMutationVariables = Exact<{
  dimension: string;
  value: string;
  justification: string;
  startsAt?: string | null | undefined;
  endsAt?: string | null | undefined;
}>;


export type ConsoleRequestAccessMutation = { requestAccess: { id: string, kind: ApprovalKind, status: ApprovalStatus, summary: string, justification: string | null, reason: string | null, createdAt: string, decidedAt: string | null, scopeValue: string | null, startsAt: string | null, endsAt: string | null, requestedBy: { id: string, email: string, displayName: string | null }, decidedBy: { id: string, email: string, displayName: string | null } | null, dimension: { key: string, name: string } | null } };

export type ConsoleDashboardKpisQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleDashboardKpisQuery = { kpis: { edges: Array<{ node: { id: string, key: string, name: string, unit: string | null, target: number | null, access: KpiAccess, dimensions: Array<{ key: string, name: string }> } }> } };

export type ConsoleKpiChartsQueryVariables = Exact<{
  id: string;
  split?: Array<string> | string | null | undefined;
  timeZone?: string | null | undefined;
  top?: number | null | undefined;
}>;


export type ConsoleKpiChartsQuery = { kpi: { id: string, monthly: { total: { count: number, sum: number | null }, groups: Array<{ key: Array<string>, total: { count: number, sum: number | null }, points: Array<{ period: string, count: number, sum: number | null }> }> }, top: { groups: Array<{ key: Array<string>, total: { count: number, sum: number | null } }> }, overall: { groups: Array<{ key: Array<string>, total: { count: number, sum: number | null }, points: Array<{ period: string, count: number, sum: number | null }> }> } } | null, myAccess: { access: KpiAccess, dimensions: Array<{ dimension: string, values: Array<string> }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ConsoleRequestFieldsFragmentDoc = new TypedDocumentString(`
    fragment ConsoleRequestFields on ApprovalRequest {
  id
  kind
  status
  summary
  justification
  reason
  createdAt
  decidedAt
  requestedBy {
    id
    email
    displayName
  }
  decidedBy {
    id
    email
    displayName
  }
  dimension {
    key
    name
  }
  scopeValue
  startsAt
  endsAt
}
    `, {"fragmentName":"ConsoleRequestFields"}) as unknown as TypedDocumentString<ConsoleRequestFieldsFragment, unknown>;
export const ConsoleLoginDocument = new TypedDocumentString(`
    mutation ConsoleLogin($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    token
    user {
      id
      email
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleLoginMutation, ConsoleLoginMutationVariables>;
export const ConsoleLogoutDocument = new TypedDocumentString(`
    mutation ConsoleLogout {
  logout
}
    `) as unknown as TypedDocumentString<ConsoleLogoutMutation, ConsoleLogoutMutationVariables>;
export const ConsoleMeDocument = new TypedDocumentString(`
    query ConsoleMe {
  me {
    user {
      id
      email
      displayName
    }
    role
    organization {
      id
      name
    }
    memberships {
      id
      role
      status
      organization {
        id
        name
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleMeQuery, ConsoleMeQueryVariables>;
export const ConsoleRequestsDocument = new TypedDocumentString(`
    query ConsoleRequests($status: ApprovalStatus, $first: Int) {
  approvalRequests(status: $status, first: $first) {
    totalCount
    edges {
      node {
        ...ConsoleRequestFields
      }
    }
  }
}
    fragment ConsoleRequestFields on ApprovalRequest {
  id
  kind
  status
  summary
  justification
  reason
  createdAt
  decidedAt
  requestedBy {
    id
    email
    displayName
  }
  decidedBy {
    id
    email
    displayName
  }
  dimension {
    key
    name
  }
  scopeValue
  startsAt
  endsAt
}`) as unknown as TypedDocumentString<ConsoleRequestsQuery, ConsoleRequestsQueryVariables>;
export const ConsoleRequestDocument = new TypedDocumentString(`
    query ConsoleRequest($id: ID!) {
  approvalRequest(id: $id) {
    ...ConsoleRequestFields
  }
}
    fragment ConsoleRequestFields on ApprovalRequest {
  id
  kind
  status
  summary
  justification
  reason
  createdAt
  decidedAt
  requestedBy {
    id
    email
    displayName
  }
  decidedBy {
    id
    email
    displayName
  }
  dimension {
    key
    name
  }
  scopeValue
  startsAt
  endsAt
}`) as unknown as TypedDocumentString<ConsoleRequestQuery, ConsoleRequestQueryVariables>;
export const ConsoleApproveDocument = new TypedDocumentString(`
    mutation ConsoleApprove($id: ID!, $comment: String) {
  approveRequest(id: $id, comment: $comment) {
    ...ConsoleRequestFields
  }
}
    fragment ConsoleRequestFields on ApprovalRequest {
  id
  kind
  status
  summary
  justification
  reason
  createdAt
  decidedAt
  requestedBy {
    id
    email
    displayName
  }
  decidedBy {
    id
    email
    displayName
  }
  dimension {
    key
    name
  }
  scopeValue
  startsAt
  endsAt
}`) as unknown as TypedDocumentString<ConsoleApproveMutation, ConsoleApproveMutationVariables>;
export const ConsoleRejectDocument = new TypedDocumentString(`
    mutation ConsoleReject($id: ID!, $reason: String!) {
  rejectRequest(id: $id, reason: $reason) {
    ...ConsoleRequestFields
  }
}
    fragment ConsoleRequestFields on ApprovalRequest {
  id
  kind
  status
  summary
  justification
  reason
  createdAt
  decidedAt
  requestedBy {
    id
    email
    displayName
  }
  decidedBy {
    id
    email
    displayName
  }
  dimension {
    key
    name
  }
  scopeValue
  startsAt
  endsAt
}`) as unknown as TypedDocumentString<ConsoleRejectMutation, ConsoleRejectMutationVariables>;
export const ConsoleCancelDocument = new TypedDocumentString(`
    mutation ConsoleCancel($id: ID!) {
  cancelRequest(id: $id) {
    ...ConsoleRequestFields
  }
}
    fragment ConsoleRequestFields on ApprovalRequest {
  id
  kind
  status
  summary
  justification
  reason
  createdAt
  decidedAt
  requestedBy {
    id
    email
    displayName
  }
  decidedBy {
    id
    email
    displayName
  }
  dimension {
    key
    name
  }
  scopeValue
  startsAt
  endsAt
}`) as unknown as TypedDocumentString<ConsoleCancelMutation, ConsoleCancelMutationVariables>;
export const ConsoleApprovalEventsDocument = new TypedDocumentString(`
    subscription ConsoleApprovalEvents {
  approvalEvents {
    type
    at
    request {
      ...ConsoleRequestFields
    }
  }
}
    fragment ConsoleRequestFields on ApprovalRequest {
  id
  kind
  status
  summary
  justification
  reason
  createdAt
  decidedAt
  requestedBy {
    id
    email
    displayName
  }
  decidedBy {
    id
    email
    displayName
  }
  dimension {
    key
    name
  }
  scopeValue
  startsAt
  endsAt
}`) as unknown as TypedDocumentString<ConsoleApprovalEventsSubscription, ConsoleApprovalEventsSubscriptionVariables>;
export const ConsoleMyUpdatesDocument = new TypedDocumentString(`
    subscription ConsoleMyUpdates {
  myApprovalUpdates {
    type
    at
    request {
      ...ConsoleRequestFields
    }
  }
}
    fragment ConsoleRequestFields on ApprovalRequest {
  id
  kind
  status
  summary
  justification
  reason
  createdAt
  decidedAt
  requestedBy {
    id
    email
    displayName
  }
  decidedBy {
    id
    email
    displayName
  }
  dimension {
    key
    name
  }
  scopeValue
  startsAt
  endsAt
}`) as unknown as TypedDocumentString<ConsoleMyUpdatesSubscription, ConsoleMyUpdatesSubscriptionVariables>;
export const ConsoleMyAccessDocument = new TypedDocumentString(`
    query ConsoleMyAccess {
  kpis(first: 20) {
    edges {
      node {
        id
        key
        name
        unit
        access
        dimensions {
          key
          name
        }
        summary {
          count
          sum
        }
      }
    }
  }
  myAccessScopes {
    id
    value
    startsAt
    endsAt
    active
    dimension {
      key
      name
    }
  }
  dimensions {
    key
    name
    values
  }
  organization {
    id
    maxAccessDays
  }
}
    `) as unknown as TypedDocumentString<ConsoleMyAccessQuery, ConsoleMyAccessQueryVariables>;
export const ConsoleKpiRowsDocument = new TypedDocumentString(`
    query ConsoleKpiRows($id: ID!, $first: Int) {
  kpi(id: $id) {
    id
    data(first: $first) {
      totalCount
      edges {
        node {
          period
          value
          dimensions {
            dimension
            value
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleKpiRowsQuery, ConsoleKpiRowsQueryVariables>;
export const ConsoleRequestAccessDocument = new TypedDocumentString(`
    mutation ConsoleRequestAccess($dimension: String!, $value: String!, $justification: String!, $startsAt: DateTime, $endsAt: DateTime) {
  requestAccess(
    dimension: $dimension
    value: $value
    justification: $justification
    startsAt: $startsAt
    endsAt: $endsAt
  ) {
    ...ConsoleRequestFields
  }
}
    fragment ConsoleRequestFields on ApprovalRequest {
  id
  kind
  status
  summary
  justification
  reason
  createdAt
  decidedAt
  requestedBy {
    id
    email
    displayName
  }
  decidedBy {
    id
    email
    displayName
  }
  dimension {
    key
    name
  }
  scopeValue
  startsAt
  endsAt
}`) as unknown as TypedDocumentString<ConsoleRequestAccessMutation, ConsoleRequestAccessMutationVariables>;
export const ConsoleDashboardKpisDocument = new TypedDocumentString(`
    query ConsoleDashboardKpis {
  kpis(first: 20) {
    edges {
      node {
        id
        key
        name
        unit
        target
        access
        dimensions {
          key
          name
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleDashboardKpisQuery, ConsoleDashboardKpisQueryVariables>;
export const ConsoleKpiChartsDocument = new TypedDocumentString(`
    query ConsoleKpiCharts($id: ID!, $split: [String!], $timeZone: String, $top: Int) {
  kpi(id: $id) {
    id
    monthly: series(input: {bucket: MONTH, timeZone: $timeZone, groupBy: $split}) {
      total {
        count
        sum
      }
      groups {
        key
        total {
          count
          sum
        }
        points {
          period
          count
          sum
        }
      }
    }
    top: series(input: {groupBy: $split, top: $top}) {
      groups {
        key
        total {
          count
          sum
        }
      }
    }
    overall: series(input: {bucket: MONTH, timeZone: $timeZone}) {
      groups {
        key
        total {
          count
          sum
        }
        points {
          period
          count
          sum
        }
      }
    }
  }
  myAccess(kpiId: $id) {
    access
    dimensions {
      dimension
      values
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleKpiChartsQuery, ConsoleKpiChartsQueryVariables>;