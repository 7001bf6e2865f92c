// The GraphQL operations the tests send, typed by graphql-codegen (`npm run codegen`).
import { graphql } from './gql/index.ts';

export const Login = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) { token user { id email } }
  }
`);

export const Me = graphql(`
  query Me {
    me {
      user { id email displayName }
      organization { id name slug }
      role
      memberships { id role status organization { id name } }
    }
  }
`);

export const Members = graphql(`
  query Members($first: Int, $after: String) {
    members(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { id role status user { id email } organization { id } } }
    }
  }
`);

export const OrganizationQ = graphql(`
  query Organization { organization { id name slug } }
`);

export const CreateOrganization = graphql(`
  mutation CreateOrganization($name: String!) { createOrganization(name: $name) { id name slug } }
`);

export const InviteMember = graphql(`
  mutation InviteMember($email: String!, $role: OrgRole!) {
    inviteMember(email: $email, role: $role) { id email role expiresAt token }
  }
`);

export const AcceptInvite = graphql(`
  mutation AcceptInvite($token: String!, $password: String!, $displayName: String) {
    acceptInvite(token: $token, password: $password, displayName: $displayName) { token user { id email displayName } }
  }
`);

export const UpdateMemberRole = graphql(`
  mutation UpdateMemberRole($userId: ID!, $role: OrgRole!) {
    updateMemberRole(userId: $userId, role: $role) { id role status user { email } }
  }
`);

export const SetMemberStatus = graphql(`
  mutation SetMemberStatus($userId: ID!, $status: MembershipStatus!) {
    setMemberStatus(userId: $userId, status: $status) { id role status user { email } }
  }
`);

export const AuditEvents = graphql(`
  query AuditEvents($action: String, $actorId: ID, $targetType: String, $targetId: String, $first: Int, $after: String) {
    auditEvents(action: $action, actorId: $actorId, targetType: $targetType, targetId: $targetId, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id at action actorEmail actor { id email } targetType targetId metadata hash } }
    }
  }
`);

export const VerifyAuditChain = graphql(`
  query VerifyAuditChain { verifyAuditChain { ok checked brokenAt } }
`);

export const NodeQ = graphql(`
  query Node($id: ID!) {
    node(id: $id) {
      id
      __typename
      ... on User { email }
      ... on Membership { role }
      ... on Organization { name }
      ... on AuditEvent { action }
    }
  }
`);



export const ApprovalRequests = graphql(`
  query ApprovalRequests($status: ApprovalStatus, $kind: ApprovalKind, $first: Int, $after: String) {
    approvalRequests(status: $status, kind: $kind, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id kind status summary requestedBy { email } } }
    }
  }
`);

export const ApprovalRequestQ = graphql(`
  query ApprovalRequestQ($id: ID!) {
    approvalRequest(id: $id) {
      id kind status summary justification reason createdAt decidedAt proposedChanges
      requestedBy { id email } decidedBy { id email }
    }
  }
`);

export const ApproveRequest = graphql(`
  mutation ApproveRequest($id: ID!, $comment: String) {
    approveRequest(id: $id, comment: $comment) { id status reason decidedAt decidedBy { email } }
  }
`);

export const RejectRequest = graphql(`
  mutation RejectRequest($id: ID!, $reason: String!) {
    rejectRequest(id: $id, reason: $reason) { id status reason decidedBy { email } }
  }
`);

export const CancelRequest = graphql(`
  mutation CancelRequest($id: ID!) {
    cancelRequest(id: $id) { id status }
  }
`);
