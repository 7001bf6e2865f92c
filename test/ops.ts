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

export const CreateDimension = graphql(`
  mutation CreateDimension($key: String!, $name: String!, $values: [String!]) {
    createDimension(key: $key, name: $name, values: $values) { id key values }
  }
`);

export const CreateKpi = graphql(`
  mutation CreateKpi($input: CreateKpiInput!) {
    createKpi(input: $input) { id key name unit target access dimensions { key } }
  }
`);

export const RecordKpiData = graphql(`
  mutation RecordKpiData($kpiId: ID!, $points: [KpiPointInput!]!) {
    recordKpiData(kpiId: $kpiId, points: $points)
  }
`);

export const CreateAlert = graphql(`
  mutation CreateAlert($kpiId: ID!, $operator: AlertOperator!, $threshold: Float!) {
    createAlert(kpiId: $kpiId, operator: $operator, threshold: $threshold) { id operator threshold kpi { key } }
  }
`);

export const CreateRole = graphql(`
  mutation CreateRole($name: String!, $parentRoleId: ID) {
    createRole(name: $name, parentRoleId: $parentRoleId) { id name parent { id name } }
  }
`);

export const SetRoleParent = graphql(`
  mutation SetRoleParent($roleId: ID!, $parentRoleId: ID) {
    setRoleParent(roleId: $roleId, parentRoleId: $parentRoleId) { id parent { id } }
  }
`);

export const AssignRole = graphql(`
  mutation AssignRole($roleId: ID!, $userId: ID!) { assignRole(roleId: $roleId, userId: $userId) { id } }
`);

export const UnassignRole = graphql(`
  mutation UnassignRole($roleId: ID!, $userId: ID!) { unassignRole(roleId: $roleId, userId: $userId) { id } }
`);

export const CreateGroup = graphql(`
  mutation CreateGroup($name: String!) { createGroup(name: $name) { id name } }
`);

export const AddGroupMember = graphql(`
  mutation AddGroupMember($groupId: ID!, $userId: ID!) { addGroupMember(groupId: $groupId, userId: $userId) { id members { email } } }
`);

export const AssignGroupRole = graphql(`
  mutation AssignGroupRole($groupId: ID!, $roleId: ID!) { assignGroupRole(groupId: $groupId, roleId: $roleId) { id roles { name } } }
`);

export const SetKpiPermission = graphql(`
  mutation SetKpiPermission($roleId: ID!, $kpiId: ID!, $access: KpiAccess!) {
    setKpiPermission(roleId: $roleId, kpiId: $kpiId, access: $access) { access role { name } kpi { key } }
  }
`);

export const GrantAccessScope = graphql(`
  mutation GrantAccessScope($userId: ID!, $dimension: String!, $value: String!, $startsAt: DateTime, $endsAt: DateTime) {
    grantAccessScope(userId: $userId, dimension: $dimension, value: $value, startsAt: $startsAt, endsAt: $endsAt) { id value active }
  }
`);

export const RevokeAccessScope = graphql(`
  mutation RevokeAccessScope($id: ID!) { revokeAccessScope(id: $id) { id active } }
`);

export const SetScopeApprover = graphql(`
  mutation SetScopeApprover($dimension: String!, $value: String!, $userId: ID!) {
    setScopeApprover(dimension: $dimension, value: $value, userId: $userId)
  }
`);

export const RequestAccess = graphql(`
  mutation RequestAccess($dimension: String!, $value: String!, $justification: String!, $startsAt: DateTime, $endsAt: DateTime) {
    requestAccess(dimension: $dimension, value: $value, justification: $justification, startsAt: $startsAt, endsAt: $endsAt) {
      id kind status summary scopeValue dimension { key }
    }
  }
`);

export const MyAccessScopes = graphql(`
  query MyAccessScopes { myAccessScopes { id value active startsAt endsAt dimension { key } } }
`);

export const Kpis = graphql(`
  query Kpis($first: Int) { kpis(first: $first) { totalCount edges { node { id key access } } } }
`);

export const KpiData = graphql(`
  query KpiData($id: ID!, $filter: KpiDataFilter, $first: Int, $after: String) {
    kpi(id: $id) {
      id key access
      data(filter: $filter, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { period value dimensions { dimension value } } }
      }
      summary(filter: $filter) { count sum avg min max }
    }
  }
`);

export const RolesAndGroups = graphql(`
  query RolesAndGroups { roles { id name } groups { id name } }
`);

export const CreateWorkflow = graphql(`
  mutation CreateWorkflow($input: WorkflowInput!) {
    createWorkflow(input: $input) { id name requiresApproval approvalStatus enabled approvalRequest { id status kind } }
  }
`);

export const UpdateWorkflow = graphql(`
  mutation UpdateWorkflow($id: ID!, $input: WorkflowInput!) {
    updateWorkflow(id: $id, input: $input) { id name requiresApproval approvalStatus approvalRequest { id status } }
  }
`);

export const RunWorkflow = graphql(`
  mutation RunWorkflow($id: ID!) {
    runWorkflow(id: $id) { id status trigger output error startedAt finishedAt }
  }
`);

export const WorkflowQ = graphql(`
  query WorkflowQ($id: ID!) {
    workflow(id: $id) {
      id name approvalStatus requiresApproval enabled trigger schedule
      actions { kind config }
      runs(first: 50) { totalCount edges { node { id status trigger error output } } }
    }
  }
`);

export const WorkflowNameStatus = graphql(`
  query WorkflowNameStatus($id: ID!) {
    workflow(id: $id) { id name approvalStatus enabled }
    workflows(first: 50) { totalCount edges { node { id name } } }
  }
`);

export const WorkflowActions = graphql(`
  query WorkflowActions($id: ID!) { workflow(id: $id) { id actions { kind } } }
`);

export const WorkflowRuns = graphql(`
  query WorkflowRuns($id: ID!) { workflow(id: $id) { id runs { totalCount } } }
`);

export const CreateCustomer = graphql(`
  mutation CreateCustomer($input: CustomerInput!) { createCustomer(input: $input) { id name email phone status } }
`);

export const UpdateCustomer = graphql(`
  mutation UpdateCustomer($id: ID!, $input: CustomerInput!) {
    updateCustomer(id: $id, input: $input) {
      customer { id name company email phone }
      pendingChange { id kind status summary piiAction targetType proposedChanges }
    }
  }
`);

export const DeleteCustomer = graphql(`
  mutation DeleteCustomer($id: ID!, $mode: DeleteMode!) {
    deleteCustomer(id: $id, mode: $mode) { deleted pendingChange { id piiAction status } }
  }
`);

export const CustomerQ = graphql(`
  query CustomerQ($id: ID!) {
    customer(id: $id) { id name company notes email phone status pendingChanges { id piiAction proposedChanges } }
  }
`);

export const Customers = graphql(`
  query Customers($includeDeleted: Boolean) {
    customers(first: 100, includeDeleted: $includeDeleted) { totalCount edges { node { id name email phone status } } }
  }
`);

export const CreateLead = graphql(`
  mutation CreateLead($input: LeadInput!) { createLead(input: $input) { id name source email phone } }
`);

export const UpdateLead = graphql(`
  mutation UpdateLead($id: ID!, $input: LeadInput!) {
    updateLead(id: $id, input: $input) { lead { id email phone source } pendingChange { id piiAction } }
  }
`);

export const Leads = graphql(`
  query Leads($includeDeleted: Boolean) { leads(first: 100, includeDeleted: $includeDeleted) { totalCount edges { node { id name email phone } } } }
`);

export const KpiSeries = graphql(`
  query KpiSeries($id: ID!, $input: KpiSeriesInput!, $filter: KpiDataFilter) {
    kpi(id: $id) {
      summary(filter: $filter) { count sum avg min max }
      series(input: $input) {
        bucket timeZone groupBy
        total { count sum avg min max }
        groups { key total { count sum avg min max } points { period count sum avg min max } }
      }
    }
  }
`);

export const RecordKpiBatch = graphql(`
  mutation RecordKpiBatch($kpiId: ID!, $points: [KpiPointInput!]!, $batchKey: String) {
    recordKpiData(kpiId: $kpiId, points: $points, batchKey: $batchKey)
  }
`);
