/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

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
    "\n  query CheckpointStatus {\n    verifyAuditChain { ok checked checkpoints signedThrough }\n  }\n": typeof types.CheckpointStatusDocument,
    "\n  query AuditProofStatus {\n    verifyAuditChain { ok checked brokenAt problem keyedEvents legacyEvents checkpoints signedThrough lastCheckpointAt }\n  }\n": typeof types.AuditProofStatusDocument,
    "\n  query AuditProofEvents($first: Int) {\n    auditEvents(first: $first) { edges { node { sequence keyId hash } } }\n  }\n": typeof types.AuditProofEventsDocument,
    "\n  query BatchingInbox {\n    approvalRequests(first: 100) {\n      edges {\n        node {\n          id kind status proposedChanges\n          requestedBy { email displayName }\n          decidedBy { email displayName }\n          approvals { approver { email } }\n          target { __typename name }\n          workflow { name }\n          dimension { key }\n        }\n      }\n    }\n  }\n": typeof types.BatchingInboxDocument,
    "\n  query BatchingAudit {\n    auditEvents(action: \"approval.request\", first: 100) { edges { node { action targetId actor { email displayName } } } }\n  }\n": typeof types.BatchingAuditDocument,
    "\n  query BatchingMembers {\n    members(first: 100) { edges { node { role status user { email displayName } organization { name } } } }\n  }\n": typeof types.BatchingMembersDocument,
    "\n  query BatchingReviewItems($id: ID!) {\n    accessReview(id: $id) {\n      items(first: 100) {\n        edges {\n          node {\n            itemType decision\n            subject { email } reviewer { email } decidedBy { email }\n            scope { value user { email } dimension { key } }\n            role { name parent { name } }\n            review { title }\n          }\n        }\n      }\n    }\n  }\n": typeof types.BatchingReviewItemsDocument,
    "\n  query BatchingWorkflows {\n    workflows(first: 100) { edges { node { name createdBy { email } approvalRequest { id requestedBy { email } } } } }\n  }\n": typeof types.BatchingWorkflowsDocument,
    "\n  query BatchingGroups {\n    groups { name members { email } roles { name parent { name } } }\n  }\n": typeof types.BatchingGroupsDocument,
    "\n  query BatchingCustomers {\n    customers(first: 100) { edges { node { name email pendingChanges { id requestedBy { email } } } } }\n  }\n": typeof types.BatchingCustomersDocument,
    "\n  query DemoWorkflows { workflows { edges { node { id name approvalStatus approvalRequest { id } } } } }\n": typeof types.DemoWorkflowsDocument,
    "\n  query PreviewWorkflow($input: WorkflowInput!, $id: ID) {\n    previewWorkflow(input: $input, id: $id) {\n      save { allowed rule reason nextStep approvers }\n      outcome requiresApproval needsApproval\n      riskyActions { position kind reason }\n      approval { kind requiredApprovals countedRoles approverRoles description }\n      principal { email }\n      run { allowed rule reason nextStep approvers }\n      runAfterApproval { allowed rule reason nextStep }\n      actions { position kind decision { allowed rule reason } }\n    }\n  }\n": typeof types.PreviewWorkflowDocument,
    "\n  mutation PreviewSetPolicy($kind: ApprovalKind!, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {\n    setApprovalPolicy(kind: $kind, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) { requiredApprovals }\n  }\n": typeof types.PreviewSetPolicyDocument,
    "\n  fragment ExplanationFields on KpiAccessExplanation {\n    user { email }\n    kpi { key }\n    access\n    basis\n    decision { allowed rule reason nextStep approvers }\n    grants { access via group { id name } roles { id name } wins description }\n    dimensions {\n      dimension values nextBoundary\n      scopes { value startsAt endsAt active }\n      decision { allowed rule reason nextStep approvers }\n      request { requiredApprovals approverRoles delegatedApprovers { email } }\n    }\n    nextBoundary\n    checks {\n      dimension value\n      decision { allowed rule reason nextStep approvers }\n      request { kind requiredApprovals countedRoles approverRoles delegatedApprovers { email } description }\n      pendingRequest { id approvalCount requiredApprovals }\n    }\n    rowVisible\n  }\n": typeof types.ExplanationFieldsFragmentDoc,
    "\n  query ExplainMyAccess($kpiId: ID!, $row: [KpiRowValue!]) { myAccess(kpiId: $kpiId, row: $row) { ...ExplanationFields } }\n": typeof types.ExplainMyAccessDocument,
    "\n  query ExplainAccessOf($userId: ID!, $kpiId: ID!, $row: [KpiRowValue!]) { explainAccess(userId: $userId, kpiId: $kpiId, row: $row) { ...ExplanationFields } }\n": typeof types.ExplainAccessOfDocument,
    "\n  query KpisScopeNode($id: ID!) { node(id: $id) { id ... on AccessScope { value user { email } } } }\n": typeof types.KpisScopeNodeDocument,
    "\n  mutation MatrixDeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }\n": typeof types.MatrixDeleteWorkflowDocument,
    "\n  query MatrixExplainAccess($userId: ID!, $kpiId: ID!) { explainAccess(userId: $userId, kpiId: $kpiId) { access basis } }\n": typeof types.MatrixExplainAccessDocument,
    "\n  mutation MatrixSetApprovalPolicy($kind: ApprovalKind!, $requiredApprovals: Int!) { setApprovalPolicy(kind: $kind, requiredApprovals: $requiredApprovals) { requiredApprovals } }\n": typeof types.MatrixSetApprovalPolicyDocument,
    "\n  query MatrixPreviewWorkflow($input: WorkflowInput!) { previewWorkflow(input: $input) { outcome } }\n": typeof types.MatrixPreviewWorkflowDocument,
    "\n  query MatrixRunOutputs($id: ID!) { workflow(id: $id) { id runs { edges { node { status output } } } } }\n": typeof types.MatrixRunOutputsDocument,
    "\n  query MatrixUserNode($id: ID!) { node(id: $id) { id ... on User { email displayName } } }\n": typeof types.MatrixUserNodeDocument,
    "\n  query MemberProfiles {\n    members(first: 50) {\n      totalCount\n      edges { node { id role status user { id email displayName } } }\n    }\n  }\n": typeof types.MemberProfilesDocument,
    "\n  query ProfileNode($id: ID!) {\n    node(id: $id) {\n      id\n      ... on User { email displayName }\n      ... on Membership { role user { email displayName } }\n    }\n  }\n": typeof types.ProfileNodeDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { token user { id email } }\n  }\n": typeof types.LoginDocument,
    "\n  query Me {\n    me {\n      user { id email displayName }\n      organization { id name slug }\n      role\n      memberships { id role status organization { id name } }\n    }\n  }\n": typeof types.MeDocument,
    "\n  query Members($first: Int, $after: String) {\n    members(first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n      edges { cursor node { id role status user { id email } organization { id } } }\n    }\n  }\n": typeof types.MembersDocument,
    "\n  query Organization { organization { id name slug } }\n": typeof types.OrganizationDocument,
    "\n  mutation CreateOrganization($name: String!) { createOrganization(name: $name) { id name slug } }\n": typeof types.CreateOrganizationDocument,
    "\n  mutation InviteMember($email: String!, $role: OrgRole!) {\n    inviteMember(email: $email, role: $role) { id email role expiresAt token }\n  }\n": typeof types.InviteMemberDocument,
    "\n  mutation AcceptInvite($token: String!, $password: String!, $displayName: String) {\n    acceptInvite(token: $token, password: $password, displayName: $displayName) { token user { id email displayName } }\n  }\n": typeof types.AcceptInviteDocument,
    "\n  mutation UpdateMemberRole($userId: ID!, $role: OrgRole!) {\n    updateMemberRole(userId: $userId, role: $role) { id role status user { email } }\n  }\n": typeof types.UpdateMemberRoleDocument,
    "\n  mutation SetMemberStatus($userId: ID!, $status: MembershipStatus!) {\n    setMemberStatus(userId: $userId, status: $status) { id role status user { email } }\n  }\n": typeof types.SetMemberStatusDocument,
    "\n  query AuditEvents($action: String, $actorId: ID, $targetType: String, $targetId: String, $first: Int, $after: String) {\n    auditEvents(action: $action, actorId: $actorId, targetType: $targetType, targetId: $targetId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id at action actorEmail actor { id email } targetType targetId metadata hash } }\n    }\n  }\n": typeof types.AuditEventsDocument,
    "\n  query VerifyAuditChain { verifyAuditChain { ok checked brokenAt } }\n": typeof types.VerifyAuditChainDocument,
    "\n  query Node($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n      ... on User { email }\n      ... on Membership { role }\n      ... on Organization { name }\n      ... on AuditEvent { action }\n    }\n  }\n": typeof types.NodeDocument,
    "\n  query ApprovalRequests($status: ApprovalStatus, $kind: ApprovalKind, $first: Int, $after: String) {\n    approvalRequests(status: $status, kind: $kind, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id kind status summary requestedBy { email } } }\n    }\n  }\n": typeof types.ApprovalRequestsDocument,
    "\n  query ApprovalRequestQ($id: ID!) {\n    approvalRequest(id: $id) {\n      id kind status summary justification reason createdAt decidedAt proposedChanges\n      requestedBy { id email } decidedBy { id email }\n    }\n  }\n": typeof types.ApprovalRequestQDocument,
    "\n  mutation ApproveRequest($id: ID!, $comment: String) {\n    approveRequest(id: $id, comment: $comment) { id status reason decidedAt decidedBy { email } }\n  }\n": typeof types.ApproveRequestDocument,
    "\n  mutation RejectRequest($id: ID!, $reason: String!) {\n    rejectRequest(id: $id, reason: $reason) { id status reason decidedBy { email } }\n  }\n": typeof types.RejectRequestDocument,
    "\n  mutation CancelRequest($id: ID!) {\n    cancelRequest(id: $id) { id status }\n  }\n": typeof types.CancelRequestDocument,
    "\n  mutation CreateDimension($key: String!, $name: String!, $values: [String!]) {\n    createDimension(key: $key, name: $name, values: $values) { id key values }\n  }\n": typeof types.CreateDimensionDocument,
    "\n  mutation CreateKpi($input: CreateKpiInput!) {\n    createKpi(input: $input) { id key name unit target access dimensions { key } }\n  }\n": typeof types.CreateKpiDocument,
    "\n  mutation RecordKpiData($kpiId: ID!, $points: [KpiPointInput!]!) {\n    recordKpiData(kpiId: $kpiId, points: $points)\n  }\n": typeof types.RecordKpiDataDocument,
    "\n  mutation CreateAlert($kpiId: ID!, $operator: AlertOperator!, $threshold: Float!) {\n    createAlert(kpiId: $kpiId, operator: $operator, threshold: $threshold) { id operator threshold kpi { key } }\n  }\n": typeof types.CreateAlertDocument,
    "\n  mutation CreateRole($name: String!, $parentRoleId: ID) {\n    createRole(name: $name, parentRoleId: $parentRoleId) { id name parent { id name } }\n  }\n": typeof types.CreateRoleDocument,
    "\n  mutation SetRoleParent($roleId: ID!, $parentRoleId: ID) {\n    setRoleParent(roleId: $roleId, parentRoleId: $parentRoleId) { id parent { id } }\n  }\n": typeof types.SetRoleParentDocument,
    "\n  mutation AssignRole($roleId: ID!, $userId: ID!) { assignRole(roleId: $roleId, userId: $userId) { id } }\n": typeof types.AssignRoleDocument,
    "\n  mutation UnassignRole($roleId: ID!, $userId: ID!) { unassignRole(roleId: $roleId, userId: $userId) { id } }\n": typeof types.UnassignRoleDocument,
    "\n  mutation CreateGroup($name: String!) { createGroup(name: $name) { id name } }\n": typeof types.CreateGroupDocument,
    "\n  mutation AddGroupMember($groupId: ID!, $userId: ID!) { addGroupMember(groupId: $groupId, userId: $userId) { id members { email } } }\n": typeof types.AddGroupMemberDocument,
    "\n  mutation AssignGroupRole($groupId: ID!, $roleId: ID!) { assignGroupRole(groupId: $groupId, roleId: $roleId) { id roles { name } } }\n": typeof types.AssignGroupRoleDocument,
    "\n  mutation SetKpiPermission($roleId: ID!, $kpiId: ID!, $access: KpiAccess!) {\n    setKpiPermission(roleId: $roleId, kpiId: $kpiId, access: $access) { access role { name } kpi { key } }\n  }\n": typeof types.SetKpiPermissionDocument,
    "\n  mutation GrantAccessScope($userId: ID!, $dimension: String!, $value: String!, $startsAt: DateTime, $endsAt: DateTime) {\n    grantAccessScope(userId: $userId, dimension: $dimension, value: $value, startsAt: $startsAt, endsAt: $endsAt) { id value active }\n  }\n": typeof types.GrantAccessScopeDocument,
    "\n  mutation RevokeAccessScope($id: ID!) { revokeAccessScope(id: $id) { id active } }\n": typeof types.RevokeAccessScopeDocument,
    "\n  mutation SetScopeApprover($dimension: String!, $value: String!, $userId: ID!) {\n    setScopeApprover(dimension: $dimension, value: $value, userId: $userId)\n  }\n": typeof types.SetScopeApproverDocument,
    "\n  mutation RequestAccess($dimension: String!, $value: String!, $justification: String!, $startsAt: DateTime, $endsAt: DateTime) {\n    requestAccess(dimension: $dimension, value: $value, justification: $justification, startsAt: $startsAt, endsAt: $endsAt) {\n      id kind status summary scopeValue dimension { key }\n    }\n  }\n": typeof types.RequestAccessDocument,
    "\n  query MyAccessScopes { myAccessScopes { id value active startsAt endsAt dimension { key } } }\n": typeof types.MyAccessScopesDocument,
    "\n  query Kpis($first: Int) { kpis(first: $first) { totalCount edges { node { id key access } } } }\n": typeof types.KpisDocument,
    "\n  query KpiData($id: ID!, $filter: KpiDataFilter, $first: Int, $after: String) {\n    kpi(id: $id) {\n      id key access\n      data(filter: $filter, first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { period value dimensions { dimension value } } }\n      }\n      summary(filter: $filter) { count sum avg min max }\n    }\n  }\n": typeof types.KpiDataDocument,
    "\n  query RolesAndGroups { roles { id name } groups { id name } }\n": typeof types.RolesAndGroupsDocument,
    "\n  mutation CreateWorkflow($input: WorkflowInput!) {\n    createWorkflow(input: $input) { id name requiresApproval approvalStatus enabled approvalRequest { id status kind } }\n  }\n": typeof types.CreateWorkflowDocument,
    "\n  mutation UpdateWorkflow($id: ID!, $input: WorkflowInput!) {\n    updateWorkflow(id: $id, input: $input) { id name requiresApproval approvalStatus approvalRequest { id status } }\n  }\n": typeof types.UpdateWorkflowDocument,
    "\n  mutation RunWorkflow($id: ID!) {\n    runWorkflow(id: $id) { id status trigger output error startedAt finishedAt }\n  }\n": typeof types.RunWorkflowDocument,
    "\n  query WorkflowQ($id: ID!) {\n    workflow(id: $id) {\n      id name approvalStatus requiresApproval enabled trigger schedule\n      actions { kind config }\n      runs(first: 50) { totalCount edges { node { id status trigger error output } } }\n    }\n  }\n": typeof types.WorkflowQDocument,
    "\n  query WorkflowNameStatus($id: ID!) {\n    workflow(id: $id) { id name approvalStatus enabled }\n    workflows(first: 50) { totalCount edges { node { id name } } }\n  }\n": typeof types.WorkflowNameStatusDocument,
    "\n  query WorkflowActions($id: ID!) { workflow(id: $id) { id actions { kind } } }\n": typeof types.WorkflowActionsDocument,
    "\n  query WorkflowRuns($id: ID!) { workflow(id: $id) { id runs { totalCount } } }\n": typeof types.WorkflowRunsDocument,
    "\n  mutation CreateCustomer($input: CustomerInput!) { createCustomer(input: $input) { id name email phone status } }\n": typeof types.CreateCustomerDocument,
    "\n  mutation UpdateCustomer($id: ID!, $input: CustomerInput!) {\n    updateCustomer(id: $id, input: $input) {\n      customer { id name company email phone }\n      pendingChange { id kind status summary piiAction targetType proposedChanges }\n    }\n  }\n": typeof types.UpdateCustomerDocument,
    "\n  mutation DeleteCustomer($id: ID!, $mode: DeleteMode!) {\n    deleteCustomer(id: $id, mode: $mode) { deleted pendingChange { id piiAction status } }\n  }\n": typeof types.DeleteCustomerDocument,
    "\n  query CustomerQ($id: ID!) {\n    customer(id: $id) { id name company notes email phone status pendingChanges { id piiAction proposedChanges } }\n  }\n": typeof types.CustomerQDocument,
    "\n  query Customers($includeDeleted: Boolean) {\n    customers(first: 100, includeDeleted: $includeDeleted) { totalCount edges { node { id name email phone status } } }\n  }\n": typeof types.CustomersDocument,
    "\n  mutation CreateLead($input: LeadInput!) { createLead(input: $input) { id name source email phone } }\n": typeof types.CreateLeadDocument,
    "\n  mutation UpdateLead($id: ID!, $input: LeadInput!) {\n    updateLead(id: $id, input: $input) { lead { id email phone source } pendingChange { id piiAction } }\n  }\n": typeof types.UpdateLeadDocument,
    "\n  query Leads($includeDeleted: Boolean) { leads(first: 100, includeDeleted: $includeDeleted) { totalCount edges { node { id name email phone } } } }\n": typeof types.LeadsDocument,
    "\n  query KpiSeries($id: ID!, $input: KpiSeriesInput!, $filter: KpiDataFilter) {\n    kpi(id: $id) {\n      summary(filter: $filter) { count sum avg min max }\n      series(input: $input) {\n        bucket timeZone groupBy\n        total { count sum avg min max }\n        groups { key total { count sum avg min max } points { period count sum avg min max } }\n      }\n    }\n  }\n": typeof types.KpiSeriesDocument,
    "\n  mutation RecordKpiBatch($kpiId: ID!, $points: [KpiPointInput!]!, $batchKey: String) {\n    recordKpiData(kpiId: $kpiId, points: $points, batchKey: $batchKey)\n  }\n": typeof types.RecordKpiBatchDocument,
    "\n  mutation RaceSetPolicy($kind: ApprovalKind!, $subject: String, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {\n    setApprovalPolicy(kind: $kind, subject: $subject, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) { requiredApprovals }\n  }\n": typeof types.RaceSetPolicyDocument,
    "\n  mutation RaceApprove($id: ID!) { approveRequest(id: $id) { id status approvalCount } }\n": typeof types.RaceApproveDocument,
    "\n  query DemoMyAccess($kpiId: ID!, $row: [KpiRowValue!]) {\n    myAccess(kpiId: $kpiId, row: $row) { access basis grants { description wins } checks { decision { rule reason nextStep approvers } } }\n  }\n": typeof types.DemoMyAccessDocument,
    "\n  query DemoExplainAccess($userId: ID!, $kpiId: ID!, $row: [KpiRowValue!]) {\n    explainAccess(userId: $userId, kpiId: $kpiId, row: $row) { access checks { decision { rule reason approvers } } }\n  }\n": typeof types.DemoExplainAccessDocument,
    "\n  query DemoPendingPii {\n    approvalRequests(kind: PII_CHANGE, status: PENDING) {\n      edges { node { id piiAction summary requiredApprovals countedRoles approvalCount approvals { approver { email } role comment } requestedBy { email } } }\n    }\n  }\n": typeof types.DemoPendingPiiDocument,
    "\n  mutation DemoApprove($id: ID!) { approveRequest(id: $id) { status approvalCount approvals { approver { email } } } }\n": typeof types.DemoApproveDocument,
    "\n  mutation QuorumSetPolicy($kind: ApprovalKind!, $subject: String, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {\n    setApprovalPolicy(kind: $kind, subject: $subject, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) {\n      kind subject requiredApprovals countedRoles updatedBy { email }\n    }\n  }\n": typeof types.QuorumSetPolicyDocument,
    "\n  query QuorumPolicies { approvalPolicies { kind subject requiredApprovals countedRoles } }\n": typeof types.QuorumPoliciesDocument,
    "\n  mutation QuorumApprove($id: ID!, $comment: String) {\n    approveRequest(id: $id, comment: $comment) {\n      id status requiredApprovals countedRoles approvalCount decidedBy { email }\n      approvals { approver { email } role comment }\n    }\n  }\n": typeof types.QuorumApproveDocument,
    "\n  query QuorumProgress($id: ID!) {\n    approvalRequest(id: $id) { id status requiredApprovals countedRoles approvalCount approvals { approver { email } role } }\n  }\n": typeof types.QuorumProgressDocument,
    "\n  mutation ReviewsDemoExtend { requestAccess(dimension: \"region\", value: \"US\", justification: \"Close runs late\", durationDays: 30) { id status endsAt } }\n": typeof types.ReviewsDemoExtendDocument,
    "\n  query ReviewsDemoOrgMax { organization { maxAccessDays } }\n": typeof types.ReviewsDemoOrgMaxDocument,
    "\n  mutation ReviewsOpen($input: OpenAccessReviewInput!) {\n    openAccessReview(input: $input) {\n      id title coverage status deadline defaultOutcome value dimension { key } kpi { key }\n      progress { total undecided kept revoked keptByDefault revokedByDefault }\n    }\n  }\n": typeof types.ReviewsOpenDocument,
    "\n  query ReviewsItems($id: ID!, $undecided: Boolean) {\n    accessReview(id: $id) {\n      id status closedAt\n      progress { total undecided kept revoked keptByDefault revokedByDefault }\n      reviewers { reviewer { email } total undecided }\n      items(first: 100, undecided: $undecided) {\n        totalCount\n        edges { node { id itemType decision automatic subject { email } reviewer { email } decidedBy { email } scope { value active dimension { key } } } }\n      }\n    }\n  }\n": typeof types.ReviewsItemsDocument,
    "\n  query ReviewsRoleItems($id: ID!) {\n    accessReview(id: $id) { items(first: 100) { edges { node { id itemType decision subject { email } role { name } } } } }\n  }\n": typeof types.ReviewsRoleItemsDocument,
    "\n  query ReviewsMine($reviewId: ID, $undecided: Boolean) {\n    myReviewItems(reviewId: $reviewId, undecided: $undecided, first: 100) {\n      totalCount\n      edges { node { id itemType decision subject { email } scope { value } review { id title } } }\n    }\n  }\n": typeof types.ReviewsMineDocument,
    "\n  query ReviewsList($status: AccessReviewStatus) { accessReviews(status: $status, first: 100) { totalCount edges { node { id title status } } } }\n": typeof types.ReviewsListDocument,
    "\n  mutation ReviewsDecide($id: ID!, $decision: ReviewOutcome!) {\n    decideReviewItem(id: $id, decision: $decision) { id decision automatic decidedAt decidedBy { email } }\n  }\n": typeof types.ReviewsDecideDocument,
    "\n  query SchemaTypingTargets {\n    approvalRequests(first: 100) {\n      edges { node { id kind summary targetType targetId target { __typename id name } workflow { id } } }\n    }\n  }\n": typeof types.SchemaTypingTargetsDocument,
    "\n  query SchemaTypingNode($id: ID!) {\n    node(id: $id) { __typename id ... on Customer { name } ... on Workflow { name } ... on WorkflowRun { status } ... on ApprovalRequest { kind } }\n  }\n": typeof types.SchemaTypingNodeDocument,
    "\n  mutation LogoutTwin { logout }\n": typeof types.LogoutTwinDocument,
    "\n  mutation SessionLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) { token expiresAt user { email } }\n  }\n": typeof types.SessionLoginDocument,
    "\n  mutation SessionAcceptInvite($token: String!, $password: String!) {\n    acceptInvite(token: $token, password: $password) { token expiresAt }\n  }\n": typeof types.SessionAcceptInviteDocument,
    "\n  mutation Logout { logout }\n": typeof types.LogoutDocument,
    "\n  mutation NoticeAsk($value: String!, $endsAt: DateTime) {\n    requestAccess(dimension: \"region\", value: $value, justification: \"notice\", endsAt: $endsAt) { id endsAt }\n  }\n": typeof types.NoticeAskDocument,
    "\n  mutation TimeBoundAsk($dimension: String!, $value: String!, $startsAt: DateTime, $endsAt: DateTime, $durationDays: Int) {\n    requestAccess(dimension: $dimension, value: $value, justification: \"time-bound\", startsAt: $startsAt, endsAt: $endsAt, durationDays: $durationDays) {\n      id status summary startsAt endsAt\n    }\n  }\n": typeof types.TimeBoundAskDocument,
    "\n  mutation TimeBoundSetMax($days: Int) { setMaxAccessDays(days: $days) { id maxAccessDays } }\n": typeof types.TimeBoundSetMaxDocument,
    "\n  query TimeBoundOrgMax { organization { maxAccessDays } }\n": typeof types.TimeBoundOrgMaxDocument,
    "\n  query WorkflowPrincipal($id: ID!) {\n    workflow(id: $id) { id approvalStatus createdBy { email } definedBy { email } actions { kind config } }\n  }\n": typeof types.WorkflowPrincipalDocument,
    "\n  mutation DeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }\n": typeof types.DeleteWorkflowDocument,
    "\n  query RunOutputs($id: ID!) {\n    workflow(id: $id) { id runs(first: 10) { edges { node { id status output } } } }\n  }\n": typeof types.RunOutputsDocument,
    "\n  mutation DeleteWorkflowRacing($id: ID!) { deleteWorkflow(id: $id) }\n": typeof types.DeleteWorkflowRacingDocument,
};
const documents: Documents = {
    "\n  query CheckpointStatus {\n    verifyAuditChain { ok checked checkpoints signedThrough }\n  }\n": types.CheckpointStatusDocument,
    "\n  query AuditProofStatus {\n    verifyAuditChain { ok checked brokenAt problem keyedEvents legacyEvents checkpoints signedThrough lastCheckpointAt }\n  }\n": types.AuditProofStatusDocument,
    "\n  query AuditProofEvents($first: Int) {\n    auditEvents(first: $first) { edges { node { sequence keyId hash } } }\n  }\n": types.AuditProofEventsDocument,
    "\n  query BatchingInbox {\n    approvalRequests(first: 100) {\n      edges {\n        node {\n          id kind status proposedChanges\n          requestedBy { email displayName }\n          decidedBy { email displayName }\n          approvals { approver { email } }\n          target { __typename name }\n          workflow { name }\n          dimension { key }\n        }\n      }\n    }\n  }\n": types.BatchingInboxDocument,
    "\n  query BatchingAudit {\n    auditEvents(action: \"approval.request\", first: 100) { edges { node { action targetId actor { email displayName } } } }\n  }\n": types.BatchingAuditDocument,
    "\n  query BatchingMembers {\n    members(first: 100) { edges { node { role status user { email displayName } organization { name } } } }\n  }\n": types.BatchingMembersDocument,
    "\n  query BatchingReviewItems($id: ID!) {\n    accessReview(id: $id) {\n      items(first: 100) {\n        edges {\n          node {\n            itemType decision\n            subject { email } reviewer { email } decidedBy { email }\n            scope { value user { email } dimension { key } }\n            role { name parent { name } }\n            review { title }\n          }\n        }\n      }\n    }\n  }\n": types.BatchingReviewItemsDocument,
    "\n  query BatchingWorkflows {\n    workflows(first: 100) { edges { node { name createdBy { email } approvalRequest { id requestedBy { email } } } } }\n  }\n": types.BatchingWorkflowsDocument,
    "\n  query BatchingGroups {\n    groups { name members { email } roles { name parent { name } } }\n  }\n": types.BatchingGroupsDocument,
    "\n  query BatchingCustomers {\n    customers(first: 100) { edges { node { name email pendingChanges { id requestedBy { email } } } } }\n  }\n": types.BatchingCustomersDocument,
    "\n  query DemoWorkflows { workflows { edges { node { id name approvalStatus approvalRequest { id } } } } }\n": types.DemoWorkflowsDocument,
    "\n  query PreviewWorkflow($input: WorkflowInput!, $id: ID) {\n    previewWorkflow(input: $input, id: $id) {\n      save { allowed rule reason nextStep approvers }\n      outcome requiresApproval needsApproval\n      riskyActions { position kind reason }\n      approval { kind requiredApprovals countedRoles approverRoles description }\n      principal { email }\n      run { allowed rule reason nextStep approvers }\n      runAfterApproval { allowed rule reason nextStep }\n      actions { position kind decision { allowed rule reason } }\n    }\n  }\n": types.PreviewWorkflowDocument,
    "\n  mutation PreviewSetPolicy($kind: ApprovalKind!, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {\n    setApprovalPolicy(kind: $kind, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) { requiredApprovals }\n  }\n": types.PreviewSetPolicyDocument,
    "\n  fragment ExplanationFields on KpiAccessExplanation {\n    user { email }\n    kpi { key }\n    access\n    basis\n    decision { allowed rule reason nextStep approvers }\n    grants { access via group { id name } roles { id name } wins description }\n    dimensions {\n      dimension values nextBoundary\n      scopes { value startsAt endsAt active }\n      decision { allowed rule reason nextStep approvers }\n      request { requiredApprovals approverRoles delegatedApprovers { email } }\n    }\n    nextBoundary\n    checks {\n      dimension value\n      decision { allowed rule reason nextStep approvers }\n      request { kind requiredApprovals countedRoles approverRoles delegatedApprovers { email } description }\n      pendingRequest { id approvalCount requiredApprovals }\n    }\n    rowVisible\n  }\n": types.ExplanationFieldsFragmentDoc,
    "\n  query ExplainMyAccess($kpiId: ID!, $row: [KpiRowValue!]) { myAccess(kpiId: $kpiId, row: $row) { ...ExplanationFields } }\n": types.ExplainMyAccessDocument,
    "\n  query ExplainAccessOf($userId: ID!, $kpiId: ID!, $row: [KpiRowValue!]) { explainAccess(userId: $userId, kpiId: $kpiId, row: $row) { ...ExplanationFields } }\n": types.ExplainAccessOfDocument,
    "\n  query KpisScopeNode($id: ID!) { node(id: $id) { id ... on AccessScope { value user { email } } } }\n": types.KpisScopeNodeDocument,
    "\n  mutation MatrixDeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }\n": types.MatrixDeleteWorkflowDocument,
    "\n  query MatrixExplainAccess($userId: ID!, $kpiId: ID!) { explainAccess(userId: $userId, kpiId: $kpiId) { access basis } }\n": types.MatrixExplainAccessDocument,
    "\n  mutation MatrixSetApprovalPolicy($kind: ApprovalKind!, $requiredApprovals: Int!) { setApprovalPolicy(kind: $kind, requiredApprovals: $requiredApprovals) { requiredApprovals } }\n": types.MatrixSetApprovalPolicyDocument,
    "\n  query MatrixPreviewWorkflow($input: WorkflowInput!) { previewWorkflow(input: $input) { outcome } }\n": types.MatrixPreviewWorkflowDocument,
    "\n  query MatrixRunOutputs($id: ID!) { workflow(id: $id) { id runs { edges { node { status output } } } } }\n": types.MatrixRunOutputsDocument,
    "\n  query MatrixUserNode($id: ID!) { node(id: $id) { id ... on User { email displayName } } }\n": types.MatrixUserNodeDocument,
    "\n  query MemberProfiles {\n    members(first: 50) {\n      totalCount\n      edges { node { id role status user { id email displayName } } }\n    }\n  }\n": types.MemberProfilesDocument,
    "\n  query ProfileNode($id: ID!) {\n    node(id: $id) {\n      id\n      ... on User { email displayName }\n      ... on Membership { role user { email displayName } }\n    }\n  }\n": types.ProfileNodeDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { token user { id email } }\n  }\n": types.LoginDocument,
    "\n  query Me {\n    me {\n      user { id email displayName }\n      organization { id name slug }\n      role\n      memberships { id role status organization { id name } }\n    }\n  }\n": types.MeDocument,
    "\n  query Members($first: Int, $after: String) {\n    members(first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n      edges { cursor node { id role status user { id email } organization { id } } }\n    }\n  }\n": types.MembersDocument,
    "\n  query Organization { organization { id name slug } }\n": types.OrganizationDocument,
    "\n  mutation CreateOrganization($name: String!) { createOrganization(name: $name) { id name slug } }\n": types.CreateOrganizationDocument,
    "\n  mutation InviteMember($email: String!, $role: OrgRole!) {\n    inviteMember(email: $email, role: $role) { id email role expiresAt token }\n  }\n": types.InviteMemberDocument,
    "\n  mutation AcceptInvite($token: String!, $password: String!, $displayName: String) {\n    acceptInvite(token: $token, password: $password, displayName: $displayName) { token user { id email displayName } }\n  }\n": types.AcceptInviteDocument,
    "\n  mutation UpdateMemberRole($userId: ID!, $role: OrgRole!) {\n    updateMemberRole(userId: $userId, role: $role) { id role status user { email } }\n  }\n": types.UpdateMemberRoleDocument,
    "\n  mutation SetMemberStatus($userId: ID!, $status: MembershipStatus!) {\n    setMemberStatus(userId: $userId, status: $status) { id role status user { email } }\n  }\n": types.SetMemberStatusDocument,
    "\n  query AuditEvents($action: String, $actorId: ID, $targetType: String, $targetId: String, $first: Int, $after: String) {\n    auditEvents(action: $action, actorId: $actorId, targetType: $targetType, targetId: $targetId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id at action actorEmail actor { id email } targetType targetId metadata hash } }\n    }\n  }\n": types.AuditEventsDocument,
    "\n  query VerifyAuditChain { verifyAuditChain { ok checked brokenAt } }\n": types.VerifyAuditChainDocument,
    "\n  query Node($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n      ... on User { email }\n      ... on Membership { role }\n      ... on Organization { name }\n      ... on AuditEvent { action }\n    }\n  }\n": types.NodeDocument,
    "\n  query ApprovalRequests($status: ApprovalStatus, $kind: ApprovalKind, $first: Int, $after: String) {\n    approvalRequests(status: $status, kind: $kind, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id kind status summary requestedBy { email } } }\n    }\n  }\n": types.ApprovalRequestsDocument,
    "\n  query ApprovalRequestQ($id: ID!) {\n    approvalRequest(id: $id) {\n      id kind status summary justification reason createdAt decidedAt proposedChanges\n      requestedBy { id email } decidedBy { id email }\n    }\n  }\n": types.ApprovalRequestQDocument,
    "\n  mutation ApproveRequest($id: ID!, $comment: String) {\n    approveRequest(id: $id, comment: $comment) { id status reason decidedAt decidedBy { email } }\n  }\n": types.ApproveRequestDocument,
    "\n  mutation RejectRequest($id: ID!, $reason: String!) {\n    rejectRequest(id: $id, reason: $reason) { id status reason decidedBy { email } }\n  }\n": types.RejectRequestDocument,
    "\n  mutation CancelRequest($id: ID!) {\n    cancelRequest(id: $id) { id status }\n  }\n": types.CancelRequestDocument,
    "\n  mutation CreateDimension($key: String!, $name: String!, $values: [String!]) {\n    createDimension(key: $key, name: $name, values: $values) { id key values }\n  }\n": types.CreateDimensionDocument,
    "\n  mutation CreateKpi($input: CreateKpiInput!) {\n    createKpi(input: $input) { id key name unit target access dimensions { key } }\n  }\n": types.CreateKpiDocument,
    "\n  mutation RecordKpiData($kpiId: ID!, $points: [KpiPointInput!]!) {\n    recordKpiData(kpiId: $kpiId, points: $points)\n  }\n": types.RecordKpiDataDocument,
    "\n  mutation CreateAlert($kpiId: ID!, $operator: AlertOperator!, $threshold: Float!) {\n    createAlert(kpiId: $kpiId, operator: $operator, threshold: $threshold) { id operator threshold kpi { key } }\n  }\n": types.CreateAlertDocument,
    "\n  mutation CreateRole($name: String!, $parentRoleId: ID) {\n    createRole(name: $name, parentRoleId: $parentRoleId) { id name parent { id name } }\n  }\n": types.CreateRoleDocument,
    "\n  mutation SetRoleParent($roleId: ID!, $parentRoleId: ID) {\n    setRoleParent(roleId: $roleId, parentRoleId: $parentRoleId) { id parent { id } }\n  }\n": types.SetRoleParentDocument,
    "\n  mutation AssignRole($roleId: ID!, $userId: ID!) { assignRole(roleId: $roleId, userId: $userId) { id } }\n": types.AssignRoleDocument,
    "\n  mutation UnassignRole($roleId: ID!, $userId: ID!) { unassignRole(roleId: $roleId, userId: $userId) { id } }\n": types.UnassignRoleDocument,
    "\n  mutation CreateGroup($name: String!) { createGroup(name: $name) { id name } }\n": types.CreateGroupDocument,
    "\n  mutation AddGroupMember($groupId: ID!, $userId: ID!) { addGroupMember(groupId: $groupId, userId: $userId) { id members { email } } }\n": types.AddGroupMemberDocument,
    "\n  mutation AssignGroupRole($groupId: ID!, $roleId: ID!) { assignGroupRole(groupId: $groupId, roleId: $roleId) { id roles { name } } }\n": types.AssignGroupRoleDocument,
    "\n  mutation SetKpiPermission($roleId: ID!, $kpiId: ID!, $access: KpiAccess!) {\n    setKpiPermission(roleId: $roleId, kpiId: $kpiId, access: $access) { access role { name } kpi { key } }\n  }\n": types.SetKpiPermissionDocument,
    "\n  mutation GrantAccessScope($userId: ID!, $dimension: String!, $value: String!, $startsAt: DateTime, $endsAt: DateTime) {\n    grantAccessScope(userId: $userId, dimension: $dimension, value: $value, startsAt: $startsAt, endsAt: $endsAt) { id value active }\n  }\n": types.GrantAccessScopeDocument,
    "\n  mutation RevokeAccessScope($id: ID!) { revokeAccessScope(id: $id) { id active } }\n": types.RevokeAccessScopeDocument,
    "\n  mutation SetScopeApprover($dimension: String!, $value: String!, $userId: ID!) {\n    setScopeApprover(dimension: $dimension, value: $value, userId: $userId)\n  }\n": types.SetScopeApproverDocument,
    "\n  mutation RequestAccess($dimension: String!, $value: String!, $justification: String!, $startsAt: DateTime, $endsAt: DateTime) {\n    requestAccess(dimension: $dimension, value: $value, justification: $justification, startsAt: $startsAt, endsAt: $endsAt) {\n      id kind status summary scopeValue dimension { key }\n    }\n  }\n": types.RequestAccessDocument,
    "\n  query MyAccessScopes { myAccessScopes { id value active startsAt endsAt dimension { key } } }\n": types.MyAccessScopesDocument,
    "\n  query Kpis($first: Int) { kpis(first: $first) { totalCount edges { node { id key access } } } }\n": types.KpisDocument,
    "\n  query KpiData($id: ID!, $filter: KpiDataFilter, $first: Int, $after: String) {\n    kpi(id: $id) {\n      id key access\n      data(filter: $filter, first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { period value dimensions { dimension value } } }\n      }\n      summary(filter: $filter) { count sum avg min max }\n    }\n  }\n": types.KpiDataDocument,
    "\n  query RolesAndGroups { roles { id name } groups { id name } }\n": types.RolesAndGroupsDocument,
    "\n  mutation CreateWorkflow($input: WorkflowInput!) {\n    createWorkflow(input: $input) { id name requiresApproval approvalStatus enabled approvalRequest { id status kind } }\n  }\n": types.CreateWorkflowDocument,
    "\n  mutation UpdateWorkflow($id: ID!, $input: WorkflowInput!) {\n    updateWorkflow(id: $id, input: $input) { id name requiresApproval approvalStatus approvalRequest { id status } }\n  }\n": types.UpdateWorkflowDocument,
    "\n  mutation RunWorkflow($id: ID!) {\n    runWorkflow(id: $id) { id status trigger output error startedAt finishedAt }\n  }\n": types.RunWorkflowDocument,
    "\n  query WorkflowQ($id: ID!) {\n    workflow(id: $id) {\n      id name approvalStatus requiresApproval enabled trigger schedule\n      actions { kind config }\n      runs(first: 50) { totalCount edges { node { id status trigger error output } } }\n    }\n  }\n": types.WorkflowQDocument,
    "\n  query WorkflowNameStatus($id: ID!) {\n    workflow(id: $id) { id name approvalStatus enabled }\n    workflows(first: 50) { totalCount edges { node { id name } } }\n  }\n": types.WorkflowNameStatusDocument,
    "\n  query WorkflowActions($id: ID!) { workflow(id: $id) { id actions { kind } } }\n": types.WorkflowActionsDocument,
    "\n  query WorkflowRuns($id: ID!) { workflow(id: $id) { id runs { totalCount } } }\n": types.WorkflowRunsDocument,
    "\n  mutation CreateCustomer($input: CustomerInput!) { createCustomer(input: $input) { id name email phone status } }\n": types.CreateCustomerDocument,
    "\n  mutation UpdateCustomer($id: ID!, $input: CustomerInput!) {\n    updateCustomer(id: $id, input: $input) {\n      customer { id name company email phone }\n      pendingChange { id kind status summary piiAction targetType proposedChanges }\n    }\n  }\n": types.UpdateCustomerDocument,
    "\n  mutation DeleteCustomer($id: ID!, $mode: DeleteMode!) {\n    deleteCustomer(id: $id, mode: $mode) { deleted pendingChange { id piiAction status } }\n  }\n": types.DeleteCustomerDocument,
    "\n  query CustomerQ($id: ID!) {\n    customer(id: $id) { id name company notes email phone status pendingChanges { id piiAction proposedChanges } }\n  }\n": types.CustomerQDocument,
    "\n  query Customers($includeDeleted: Boolean) {\n    customers(first: 100, includeDeleted: $includeDeleted) { totalCount edges { node { id name email phone status } } }\n  }\n": types.CustomersDocument,
    "\n  mutation CreateLead($input: LeadInput!) { createLead(input: $input) { id name source email phone } }\n": types.CreateLeadDocument,
    "\n  mutation UpdateLead($id: ID!, $input: LeadInput!) {\n    updateLead(id: $id, input: $input) { lead { id email phone source } pendingChange { id piiAction } }\n  }\n": types.UpdateLeadDocument,
    "\n  query Leads($includeDeleted: Boolean) { leads(first: 100, includeDeleted: $includeDeleted) { totalCount edges { node { id name email phone } } } }\n": types.LeadsDocument,
    "\n  query KpiSeries($id: ID!, $input: KpiSeriesInput!, $filter: KpiDataFilter) {\n    kpi(id: $id) {\n      summary(filter: $filter) { count sum avg min max }\n      series(input: $input) {\n        bucket timeZone groupBy\n        total { count sum avg min max }\n        groups { key total { count sum avg min max } points { period count sum avg min max } }\n      }\n    }\n  }\n": types.KpiSeriesDocument,
    "\n  mutation RecordKpiBatch($kpiId: ID!, $points: [KpiPointInput!]!, $batchKey: String) {\n    recordKpiData(kpiId: $kpiId, points: $points, batchKey: $batchKey)\n  }\n": types.RecordKpiBatchDocument,
    "\n  mutation RaceSetPolicy($kind: ApprovalKind!, $subject: String, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {\n    setApprovalPolicy(kind: $kind, subject: $subject, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) { requiredApprovals }\n  }\n": types.RaceSetPolicyDocument,
    "\n  mutation RaceApprove($id: ID!) { approveRequest(id: $id) { id status approvalCount } }\n": types.RaceApproveDocument,
    "\n  query DemoMyAccess($kpiId: ID!, $row: [KpiRowValue!]) {\n    myAccess(kpiId: $kpiId, row: $row) { access basis grants { description wins } checks { decision { rule reason nextStep approvers } } }\n  }\n": types.DemoMyAccessDocument,
    "\n  query DemoExplainAccess($userId: ID!, $kpiId: ID!, $row: [KpiRowValue!]) {\n    explainAccess(userId: $userId, kpiId: $kpiId, row: $row) { access checks { decision { rule reason approvers } } }\n  }\n": types.DemoExplainAccessDocument,
    "\n  query DemoPendingPii {\n    approvalRequests(kind: PII_CHANGE, status: PENDING) {\n      edges { node { id piiAction summary requiredApprovals countedRoles approvalCount approvals { approver { email } role comment } requestedBy { email } } }\n    }\n  }\n": types.DemoPendingPiiDocument,
    "\n  mutation DemoApprove($id: ID!) { approveRequest(id: $id) { status approvalCount approvals { approver { email } } } }\n": types.DemoApproveDocument,
    "\n  mutation QuorumSetPolicy($kind: ApprovalKind!, $subject: String, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {\n    setApprovalPolicy(kind: $kind, subject: $subject, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) {\n      kind subject requiredApprovals countedRoles updatedBy { email }\n    }\n  }\n": types.QuorumSetPolicyDocument,
    "\n  query QuorumPolicies { approvalPolicies { kind subject requiredApprovals countedRoles } }\n": types.QuorumPoliciesDocument,
    "\n  mutation QuorumApprove($id: ID!, $comment: String) {\n    approveRequest(id: $id, comment: $comment) {\n      id status requiredApprovals countedRoles approvalCount decidedBy { email }\n      approvals { approver { email } role comment }\n    }\n  }\n": types.QuorumApproveDocument,
    "\n  query QuorumProgress($id: ID!) {\n    approvalRequest(id: $id) { id status requiredApprovals countedRoles approvalCount approvals { approver { email } role } }\n  }\n": types.QuorumProgressDocument,
    "\n  mutation ReviewsDemoExtend { requestAccess(dimension: \"region\", value: \"US\", justification: \"Close runs late\", durationDays: 30) { id status endsAt } }\n": types.ReviewsDemoExtendDocument,
    "\n  query ReviewsDemoOrgMax { organization { maxAccessDays } }\n": types.ReviewsDemoOrgMaxDocument,
    "\n  mutation ReviewsOpen($input: OpenAccessReviewInput!) {\n    openAccessReview(input: $input) {\n      id title coverage status deadline defaultOutcome value dimension { key } kpi { key }\n      progress { total undecided kept revoked keptByDefault revokedByDefault }\n    }\n  }\n": types.ReviewsOpenDocument,
    "\n  query ReviewsItems($id: ID!, $undecided: Boolean) {\n    accessReview(id: $id) {\n      id status closedAt\n      progress { total undecided kept revoked keptByDefault revokedByDefault }\n      reviewers { reviewer { email } total undecided }\n      items(first: 100, undecided: $undecided) {\n        totalCount\n        edges { node { id itemType decision automatic subject { email } reviewer { email } decidedBy { email } scope { value active dimension { key } } } }\n      }\n    }\n  }\n": types.ReviewsItemsDocument,
    "\n  query ReviewsRoleItems($id: ID!) {\n    accessReview(id: $id) { items(first: 100) { edges { node { id itemType decision subject { email } role { name } } } } }\n  }\n": types.ReviewsRoleItemsDocument,
    "\n  query ReviewsMine($reviewId: ID, $undecided: Boolean) {\n    myReviewItems(reviewId: $reviewId, undecided: $undecided, first: 100) {\n      totalCount\n      edges { node { id itemType decision subject { email } scope { value } review { id title } } }\n    }\n  }\n": types.ReviewsMineDocument,
    "\n  query ReviewsList($status: AccessReviewStatus) { accessReviews(status: $status, first: 100) { totalCount edges { node { id title status } } } }\n": types.ReviewsListDocument,
    "\n  mutation ReviewsDecide($id: ID!, $decision: ReviewOutcome!) {\n    decideReviewItem(id: $id, decision: $decision) { id decision automatic decidedAt decidedBy { email } }\n  }\n": types.ReviewsDecideDocument,
    "\n  query SchemaTypingTargets {\n    approvalRequests(first: 100) {\n      edges { node { id kind summary targetType targetId target { __typename id name } workflow { id } } }\n    }\n  }\n": types.SchemaTypingTargetsDocument,
    "\n  query SchemaTypingNode($id: ID!) {\n    node(id: $id) { __typename id ... on Customer { name } ... on Workflow { name } ... on WorkflowRun { status } ... on ApprovalRequest { kind } }\n  }\n": types.SchemaTypingNodeDocument,
    "\n  mutation LogoutTwin { logout }\n": types.LogoutTwinDocument,
    "\n  mutation SessionLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) { token expiresAt user { email } }\n  }\n": types.SessionLoginDocument,
    "\n  mutation SessionAcceptInvite($token: String!, $password: String!) {\n    acceptInvite(token: $token, password: $password) { token expiresAt }\n  }\n": types.SessionAcceptInviteDocument,
    "\n  mutation Logout { logout }\n": types.LogoutDocument,
    "\n  mutation NoticeAsk($value: String!, $endsAt: DateTime) {\n    requestAccess(dimension: \"region\", value: $value, justification: \"notice\", endsAt: $endsAt) { id endsAt }\n  }\n": types.NoticeAskDocument,
    "\n  mutation TimeBoundAsk($dimension: String!, $value: String!, $startsAt: DateTime, $endsAt: DateTime, $durationDays: Int) {\n    requestAccess(dimension: $dimension, value: $value, justification: \"time-bound\", startsAt: $startsAt, endsAt: $endsAt, durationDays: $durationDays) {\n      id status summary startsAt endsAt\n    }\n  }\n": types.TimeBoundAskDocument,
    "\n  mutation TimeBoundSetMax($days: Int) { setMaxAccessDays(days: $days) { id maxAccessDays } }\n": types.TimeBoundSetMaxDocument,
    "\n  query TimeBoundOrgMax { organization { maxAccessDays } }\n": types.TimeBoundOrgMaxDocument,
    "\n  query WorkflowPrincipal($id: ID!) {\n    workflow(id: $id) { id approvalStatus createdBy { email } definedBy { email } actions { kind config } }\n  }\n": types.WorkflowPrincipalDocument,
    "\n  mutation DeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }\n": types.DeleteWorkflowDocument,
    "\n  query RunOutputs($id: ID!) {\n    workflow(id: $id) { id runs(first: 10) { edges { node { id status output } } } }\n  }\n": types.RunOutputsDocument,
    "\n  mutation DeleteWorkflowRacing($id: ID!) { deleteWorkflow(id: $id) }\n": types.DeleteWorkflowRacingDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CheckpointStatus {\n    verifyAuditChain { ok checked checkpoints signedThrough }\n  }\n"): (typeof documents)["\n  query CheckpointStatus {\n    verifyAuditChain { ok checked checkpoints signedThrough }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditProofStatus {\n    verifyAuditChain { ok checked brokenAt problem keyedEvents legacyEvents checkpoints signedThrough lastCheckpointAt }\n  }\n"): (typeof documents)["\n  query AuditProofStatus {\n    verifyAuditChain { ok checked brokenAt problem keyedEvents legacyEvents checkpoints signedThrough lastCheckpointAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditProofEvents($first: Int) {\n    auditEvents(first: $first) { edges { node { sequence keyId hash } } }\n  }\n"): (typeof documents)["\n  query AuditProofEvents($first: Int) {\n    auditEvents(first: $first) { edges { node { sequence keyId hash } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BatchingInbox {\n    approvalRequests(first: 100) {\n      edges {\n        node {\n          id kind status proposedChanges\n          requestedBy { email displayName }\n          decidedBy { email displayName }\n          approvals { approver { email } }\n          target { __typename name }\n          workflow { name }\n          dimension { key }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query BatchingInbox {\n    approvalRequests(first: 100) {\n      edges {\n        node {\n          id kind status proposedChanges\n          requestedBy { email displayName }\n          decidedBy { email displayName }\n          approvals { approver { email } }\n          target { __typename name }\n          workflow { name }\n          dimension { key }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BatchingAudit {\n    auditEvents(action: \"approval.request\", first: 100) { edges { node { action targetId actor { email displayName } } } }\n  }\n"): (typeof documents)["\n  query BatchingAudit {\n    auditEvents(action: \"approval.request\", first: 100) { edges { node { action targetId actor { email displayName } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BatchingMembers {\n    members(first: 100) { edges { node { role status user { email displayName } organization { name } } } }\n  }\n"): (typeof documents)["\n  query BatchingMembers {\n    members(first: 100) { edges { node { role status user { email displayName } organization { name } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BatchingReviewItems($id: ID!) {\n    accessReview(id: $id) {\n      items(first: 100) {\n        edges {\n          node {\n            itemType decision\n            subject { email } reviewer { email } decidedBy { email }\n            scope { value user { email } dimension { key } }\n            role { name parent { name } }\n            review { title }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query BatchingReviewItems($id: ID!) {\n    accessReview(id: $id) {\n      items(first: 100) {\n        edges {\n          node {\n            itemType decision\n            subject { email } reviewer { email } decidedBy { email }\n            scope { value user { email } dimension { key } }\n            role { name parent { name } }\n            review { title }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BatchingWorkflows {\n    workflows(first: 100) { edges { node { name createdBy { email } approvalRequest { id requestedBy { email } } } } }\n  }\n"): (typeof documents)["\n  query BatchingWorkflows {\n    workflows(first: 100) { edges { node { name createdBy { email } approvalRequest { id requestedBy { email } } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BatchingGroups {\n    groups { name members { email } roles { name parent { name } } }\n  }\n"): (typeof documents)["\n  query BatchingGroups {\n    groups { name members { email } roles { name parent { name } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BatchingCustomers {\n    customers(first: 100) { edges { node { name email pendingChanges { id requestedBy { email } } } } }\n  }\n"): (typeof documents)["\n  query BatchingCustomers {\n    customers(first: 100) { edges { node { name email pendingChanges { id requestedBy { email } } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DemoWorkflows { workflows { edges { node { id name approvalStatus approvalRequest { id } } } } }\n"): (typeof documents)["\n  query DemoWorkflows { workflows { edges { node { id name approvalStatus approvalRequest { id } } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PreviewWorkflow($input: WorkflowInput!, $id: ID) {\n    previewWorkflow(input: $input, id: $id) {\n      save { allowed rule reason nextStep approvers }\n      outcome requiresApproval needsApproval\n      riskyActions { position kind reason }\n      approval { kind requiredApprovals countedRoles approverRoles description }\n      principal { email }\n      run { allowed rule reason nextStep approvers }\n      runAfterApproval { allowed rule reason nextStep }\n      actions { position kind decision { allowed rule reason } }\n    }\n  }\n"): (typeof documents)["\n  query PreviewWorkflow($input: WorkflowInput!, $id: ID) {\n    previewWorkflow(input: $input, id: $id) {\n      save { allowed rule reason nextStep approvers }\n      outcome requiresApproval needsApproval\n      riskyActions { position kind reason }\n      approval { kind requiredApprovals countedRoles approverRoles description }\n      principal { email }\n      run { allowed rule reason nextStep approvers }\n      runAfterApproval { allowed rule reason nextStep }\n      actions { position kind decision { allowed rule reason } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PreviewSetPolicy($kind: ApprovalKind!, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {\n    setApprovalPolicy(kind: $kind, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) { requiredApprovals }\n  }\n"): (typeof documents)["\n  mutation PreviewSetPolicy($kind: ApprovalKind!, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {\n    setApprovalPolicy(kind: $kind, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) { requiredApprovals }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ExplanationFields on KpiAccessExplanation {\n    user { email }\n    kpi { key }\n    access\n    basis\n    decision { allowed rule reason nextStep approvers }\n    grants { access via group { id name } roles { id name } wins description }\n    dimensions {\n      dimension values nextBoundary\n      scopes { value startsAt endsAt active }\n      decision { allowed rule reason nextStep approvers }\n      request { requiredApprovals approverRoles delegatedApprovers { email } }\n    }\n    nextBoundary\n    checks {\n      dimension value\n      decision { allowed rule reason nextStep approvers }\n      request { kind requiredApprovals countedRoles approverRoles delegatedApprovers { email } description }\n      pendingRequest { id approvalCount requiredApprovals }\n    }\n    rowVisible\n  }\n"): (typeof documents)["\n  fragment ExplanationFields on KpiAccessExplanation {\n    user { email }\n    kpi { key }\n    access\n    basis\n    decision { allowed rule reason nextStep approvers }\n    grants { access via group { id name } roles { id name } wins description }\n    dimensions {\n      dimension values nextBoundary\n      scopes { value startsAt endsAt active }\n      decision { allowed rule reason nextStep approvers }\n      request { requiredApprovals approverRoles delegatedApprovers { email } }\n    }\n    nextBoundary\n    checks {\n      dimension value\n      decision { allowed rule reason nextStep approvers }\n      request { kind requiredApprovals countedRoles approverRoles delegatedApprovers { email } description }\n      pendingRequest { id approvalCount requiredApprovals }\n    }\n    rowVisible\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExplainMyAccess($kpiId: ID!, $row: [KpiRowValue!]) { myAccess(kpiId: $kpiId, row: $row) { ...ExplanationFields } }\n"): (typeof documents)["\n  query ExplainMyAccess($kpiId: ID!, $row: [KpiRowValue!]) { myAccess(kpiId: $kpiId, row: $row) { ...ExplanationFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExplainAccessOf($userId: ID!, $kpiId: ID!, $row: [KpiRowValue!]) { explainAccess(userId: $userId, kpiId: $kpiId, row: $row) { ...ExplanationFields } }\n"): (typeof documents)["\n  query ExplainAccessOf($userId: ID!, $kpiId: ID!, $row: [KpiRowValue!]) { explainAccess(userId: $userId, kpiId: $kpiId, row: $row) { ...ExplanationFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KpisScopeNode($id: ID!) { node(id: $id) { id ... on AccessScope { value user { email } } } }\n"): (typeof documents)["\n  query KpisScopeNode($id: ID!) { node(id: $id) { id ... on AccessScope { value user { email } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MatrixDeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }\n"): (typeof documents)["\n  mutation MatrixDeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MatrixExplainAccess($userId: ID!, $kpiId: ID!) { explainAccess(userId: $userId, kpiId: $kpiId) { access basis } }\n"): (typeof documents)["\n  query MatrixExplainAccess($userId: ID!, $kpiId: ID!) { explainAccess(userId: $userId, kpiId: $kpiId) { access basis } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MatrixSetApprovalPolicy($kind: ApprovalKind!, $requiredApprovals: Int!) { setApprovalPolicy(kind: $kind, requiredApprovals: $requiredApprovals) { requiredApprovals } }\n"): (typeof documents)["\n  mutation MatrixSetApprovalPolicy($kind: ApprovalKind!, $requiredApprovals: Int!) { setApprovalPolicy(kind: $kind, requiredApprovals: $requiredApprovals) { requiredApprovals } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MatrixPreviewWorkflow($input: WorkflowInput!) { previewWorkflow(input: $input) { outcome } }\n"): (typeof documents)["\n  query MatrixPreviewWorkflow($input: WorkflowInput!) { previewWorkflow(input: $input) { outcome } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MatrixRunOutputs($id: ID!) { workflow(id: $id) { id runs { edges { node { status output } } } } }\n"): (typeof documents)["\n  query MatrixRunOutputs($id: ID!) { workflow(id: $id) { id runs { edges { node { status output } } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MatrixUserNode($id: ID!) { node(id: $id) { id ... on User { email displayName } } }\n"): (typeof documents)["\n  query MatrixUserNode($id: ID!) { node(id: $id) { id ... on User { email displayName } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberProfiles {\n    members(first: 50) {\n      totalCount\n      edges { node { id role status user { id email displayName } } }\n    }\n  }\n"): (typeof documents)["\n  query MemberProfiles {\n    members(first: 50) {\n      totalCount\n      edges { node { id role status user { id email displayName } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProfileNode($id: ID!) {\n    node(id: $id) {\n      id\n      ... on User { email displayName }\n      ... on Membership { role user { email displayName } }\n    }\n  }\n"): (typeof documents)["\n  query ProfileNode($id: ID!) {\n    node(id: $id) {\n      id\n      ... on User { email displayName }\n      ... on Membership { role user { email displayName } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { token user { id email } }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { token user { id email } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      user { id email displayName }\n      organization { id name slug }\n      role\n      memberships { id role status organization { id name } }\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      user { id email displayName }\n      organization { id name slug }\n      role\n      memberships { id role status organization { id name } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Members($first: Int, $after: String) {\n    members(first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n      edges { cursor node { id role status user { id email } organization { id } } }\n    }\n  }\n"): (typeof documents)["\n  query Members($first: Int, $after: String) {\n    members(first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n      edges { cursor node { id role status user { id email } organization { id } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Organization { organization { id name slug } }\n"): (typeof documents)["\n  query Organization { organization { id name slug } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateOrganization($name: String!) { createOrganization(name: $name) { id name slug } }\n"): (typeof documents)["\n  mutation CreateOrganization($name: String!) { createOrganization(name: $name) { id name slug } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InviteMember($email: String!, $role: OrgRole!) {\n    inviteMember(email: $email, role: $role) { id email role expiresAt token }\n  }\n"): (typeof documents)["\n  mutation InviteMember($email: String!, $role: OrgRole!) {\n    inviteMember(email: $email, role: $role) { id email role expiresAt token }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptInvite($token: String!, $password: String!, $displayName: String) {\n    acceptInvite(token: $token, password: $password, displayName: $displayName) { token user { id email displayName } }\n  }\n"): (typeof documents)["\n  mutation AcceptInvite($token: String!, $password: String!, $displayName: String) {\n    acceptInvite(token: $token, password: $password, displayName: $displayName) { token user { id email displayName } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMemberRole($userId: ID!, $role: OrgRole!) {\n    updateMemberRole(userId: $userId, role: $role) { id role status user { email } }\n  }\n"): (typeof documents)["\n  mutation UpdateMemberRole($userId: ID!, $role: OrgRole!) {\n    updateMemberRole(userId: $userId, role: $role) { id role status user { email } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetMemberStatus($userId: ID!, $status: MembershipStatus!) {\n    setMemberStatus(userId: $userId, status: $status) { id role status user { email } }\n  }\n"): (typeof documents)["\n  mutation SetMemberStatus($userId: ID!, $status: MembershipStatus!) {\n    setMemberStatus(userId: $userId, status: $status) { id role status user { email } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditEvents($action: String, $actorId: ID, $targetType: String, $targetId: String, $first: Int, $after: String) {\n    auditEvents(action: $action, actorId: $actorId, targetType: $targetType, targetId: $targetId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id at action actorEmail actor { id email } targetType targetId metadata hash } }\n    }\n  }\n"): (typeof documents)["\n  query AuditEvents($action: String, $actorId: ID, $targetType: String, $targetId: String, $first: Int, $after: String) {\n    auditEvents(action: $action, actorId: $actorId, targetType: $targetType, targetId: $targetId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id at action actorEmail actor { id email } targetType targetId metadata hash } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VerifyAuditChain { verifyAuditChain { ok checked brokenAt } }\n"): (typeof documents)["\n  query VerifyAuditChain { verifyAuditChain { ok checked brokenAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Node($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n      ... on User { email }\n      ... on Membership { role }\n      ... on Organization { name }\n      ... on AuditEvent { action }\n    }\n  }\n"): (typeof documents)["\n  query Node($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n      ... on User { email }\n      ... on Membership { role }\n      ... on Organization { name }\n      ... on AuditEvent { action }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApprovalRequests($status: ApprovalStatus, $kind: ApprovalKind, $first: Int, $after: String) {\n    approvalRequests(status: $status, kind: $kind, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id kind status summary requestedBy { email } } }\n    }\n  }\n"): (typeof documents)["\n  query ApprovalRequests($status: ApprovalStatus, $kind: ApprovalKind, $first: Int, $after: String) {\n    approvalRequests(status: $status, kind: $kind, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id kind status summary requestedBy { email } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApprovalRequestQ($id: ID!) {\n    approvalRequest(id: $id) {\n      id kind status summary justification reason createdAt decidedAt proposedChanges\n      requestedBy { id email } decidedBy { id email }\n    }\n  }\n"): (typeof documents)["\n  query ApprovalRequestQ($id: ID!) {\n    approvalRequest(id: $id) {\n      id kind status summary justification reason createdAt decidedAt proposedChanges\n      requestedBy { id email } decidedBy { id email }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveRequest($id: ID!, $comment: String) {\n    approveRequest(id: $id, comment: $comment) { id status reason decidedAt decidedBy { email } }\n  }\n"): (typeof documents)["\n  mutation ApproveRequest($id: ID!, $comment: String) {\n    approveRequest(id: $id, comment: $comment) { id status reason decidedAt decidedBy { email } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectRequest($id: ID!, $reason: String!) {\n    rejectRequest(id: $id, reason: $reason) { id status reason decidedBy { email } }\n  }\n"): (typeof documents)["\n  mutation RejectRequest($id: ID!, $reason: String!) {\n    rejectRequest(id: $id, reason: $reason) { id status reason decidedBy { email } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelRequest($id: ID!) {\n    cancelRequest(id: $id) { id status }\n  }\n"): (typeof documents)["\n  mutation CancelRequest($id: ID!) {\n    cancelRequest(id: $id) { id status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateDimension($key: String!, $name: String!, $values: [String!]) {\n    createDimension(key: $key, name: $name, values: $values) { id key values }\n  }\n"): (typeof documents)["\n  mutation CreateDimension($key: String!, $name: String!, $values: [String!]) {\n    createDimension(key: $key, name: $name, values: $values) { id key values }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateKpi($input: CreateKpiInput!) {\n    createKpi(input: $input) { id key name unit target access dimensions { key } }\n  }\n"): (typeof documents)["\n  mutation CreateKpi($input: CreateKpiInput!) {\n    createKpi(input: $input) { id key name unit target access dimensions { key } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordKpiData($kpiId: ID!, $points: [KpiPointInput!]!) {\n    recordKpiData(kpiId: $kpiId, points: $points)\n  }\n"): (typeof documents)["\n  mutation RecordKpiData($kpiId: ID!, $points: [KpiPointInput!]!) {\n    recordKpiData(kpiId: $kpiId, points: $points)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAlert($kpiId: ID!, $operator: AlertOperator!, $threshold: Float!) {\n    createAlert(kpiId: $kpiId, operator: $operator, threshold: $threshold) { id operator threshold kpi { key } }\n  }\n"): (typeof documents)["\n  mutation CreateAlert($kpiId: ID!, $operator: AlertOperator!, $threshold: Float!) {\n    createAlert(kpiId: $kpiId, operator: $operator, threshold: $threshold) { id operator threshold kpi { key } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRole($name: String!, $parentRoleId: ID) {\n    createRole(name: $name, parentRoleId: $parentRoleId) { id name parent { id name } }\n  }\n"): (typeof documents)["\n  mutation CreateRole($name: String!, $parentRoleId: ID) {\n    createRole(name: $name, parentRoleId: $parentRoleId) { id name parent { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetRoleParent($roleId: ID!, $parentRoleId: ID) {\n    setRoleParent(roleId: $roleId, parentRoleId: $parentRoleId) { id parent { id } }\n  }\n"): (typeof documents)["\n  mutation SetRoleParent($roleId: ID!, $parentRoleId: ID) {\n    setRoleParent(roleId: $roleId, parentRoleId: $parentRoleId) { id parent { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignRole($roleId: ID!, $userId: ID!) { assignRole(roleId: $roleId, userId: $userId) { id } }\n"): (typeof documents)["\n  mutation AssignRole($roleId: ID!, $userId: ID!) { assignRole(roleId: $roleId, userId: $userId) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnassignRole($roleId: ID!, $userId: ID!) { unassignRole(roleId: $roleId, userId: $userId) { id } }\n"): (typeof documents)["\n  mutation UnassignRole($roleId: ID!, $userId: ID!) { unassignRole(roleId: $roleId, userId: $userId) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateGroup($name: String!) { createGroup(name: $name) { id name } }\n"): (typeof documents)["\n  mutation CreateGroup($name: String!) { createGroup(name: $name) { id name } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddGroupMember($groupId: ID!, $userId: ID!) { addGroupMember(groupId: $groupId, userId: $userId) { id members { email } } }\n"): (typeof documents)["\n  mutation AddGroupMember($groupId: ID!, $userId: ID!) { addGroupMember(groupId: $groupId, userId: $userId) { id members { email } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignGroupRole($groupId: ID!, $roleId: ID!) { assignGroupRole(groupId: $groupId, roleId: $roleId) { id roles { name } } }\n"): (typeof documents)["\n  mutation AssignGroupRole($groupId: ID!, $roleId: ID!) { assignGroupRole(groupId: $groupId, roleId: $roleId) { id roles { name } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetKpiPermission($roleId: ID!, $kpiId: ID!, $access: KpiAccess!) {\n    setKpiPermission(roleId: $roleId, kpiId: $kpiId, access: $access) { access role { name } kpi { key } }\n  }\n"): (typeof documents)["\n  mutation SetKpiPermission($roleId: ID!, $kpiId: ID!, $access: KpiAccess!) {\n    setKpiPermission(roleId: $roleId, kpiId: $kpiId, access: $access) { access role { name } kpi { key } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GrantAccessScope($userId: ID!, $dimension: String!, $value: String!, $startsAt: DateTime, $endsAt: DateTime) {\n    grantAccessScope(userId: $userId, dimension: $dimension, value: $value, startsAt: $startsAt, endsAt: $endsAt) { id value active }\n  }\n"): (typeof documents)["\n  mutation GrantAccessScope($userId: ID!, $dimension: String!, $value: String!, $startsAt: DateTime, $endsAt: DateTime) {\n    grantAccessScope(userId: $userId, dimension: $dimension, value: $value, startsAt: $startsAt, endsAt: $endsAt) { id value active }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeAccessScope($id: ID!) { revokeAccessScope(id: $id) { id active } }\n"): (typeof documents)["\n  mutation RevokeAccessScope($id: ID!) { revokeAccessScope(id: $id) { id active } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetScopeApprover($dimension: String!, $value: String!, $userId: ID!) {\n    setScopeApprover(dimension: $dimension, value: $value, userId: $userId)\n  }\n"): (typeof documents)["\n  mutation SetScopeApprover($dimension: String!, $value: String!, $userId: ID!) {\n    setScopeApprover(dimension: $dimension, value: $value, userId: $userId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestAccess($dimension: String!, $value: String!, $justification: String!, $startsAt: DateTime, $endsAt: DateTime) {\n    requestAccess(dimension: $dimension, value: $value, justification: $justification, startsAt: $startsAt, endsAt: $endsAt) {\n      id kind status summary scopeValue dimension { key }\n    }\n  }\n"): (typeof documents)["\n  mutation RequestAccess($dimension: String!, $value: String!, $justification: String!, $startsAt: DateTime, $endsAt: DateTime) {\n    requestAccess(dimension: $dimension, value: $value, justification: $justification, startsAt: $startsAt, endsAt: $endsAt) {\n      id kind status summary scopeValue dimension { key }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyAccessScopes { myAccessScopes { id value active startsAt endsAt dimension { key } } }\n"): (typeof documents)["\n  query MyAccessScopes { myAccessScopes { id value active startsAt endsAt dimension { key } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Kpis($first: Int) { kpis(first: $first) { totalCount edges { node { id key access } } } }\n"): (typeof documents)["\n  query Kpis($first: Int) { kpis(first: $first) { totalCount edges { node { id key access } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KpiData($id: ID!, $filter: KpiDataFilter, $first: Int, $after: String) {\n    kpi(id: $id) {\n      id key access\n      data(filter: $filter, first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { period value dimensions { dimension value } } }\n      }\n      summary(filter: $filter) { count sum avg min max }\n    }\n  }\n"): (typeof documents)["\n  query KpiData($id: ID!, $filter: KpiDataFilter, $first: Int, $after: String) {\n    kpi(id: $id) {\n      id key access\n      data(filter: $filter, first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { period value dimensions { dimension value } } }\n      }\n      summary(filter: $filter) { count sum avg min max }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RolesAndGroups { roles { id name } groups { id name } }\n"): (typeof documents)["\n  query RolesAndGroups { roles { id name } groups { id name } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWorkflow($input: WorkflowInput!) {\n    createWorkflow(input: $input) { id name requiresApproval approvalStatus enabled approvalRequest { id status kind } }\n  }\n"): (typeof documents)["\n  mutation CreateWorkflow($input: WorkflowInput!) {\n    createWorkflow(input: $input) { id name requiresApproval approvalStatus enabled approvalRequest { id status kind } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWorkflow($id: ID!, $input: WorkflowInput!) {\n    updateWorkflow(id: $id, input: $input) { id name requiresApproval approvalStatus approvalRequest { id status } }\n  }\n"): (typeof documents)["\n  mutation UpdateWorkflow($id: ID!, $input: WorkflowInput!) {\n    updateWorkflow(id: $id, input: $input) { id name requiresApproval approvalStatus approvalRequest { id status } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RunWorkflow($id: ID!) {\n    runWorkflow(id: $id) { id status trigger output error startedAt finishedAt }\n  }\n"): (typeof documents)["\n  mutation RunWorkflow($id: ID!) {\n    runWorkflow(id: $id) { id status trigger output error startedAt finishedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowQ($id: ID!) {\n    workflow(id: $id) {\n      id name approvalStatus requiresApproval enabled trigger schedule\n      actions { kind config }\n      runs(first: 50) { totalCount edges { node { id status trigger error output } } }\n    }\n  }\n"): (typeof documents)["\n  query WorkflowQ($id: ID!) {\n    workflow(id: $id) {\n      id name approvalStatus requiresApproval enabled trigger schedule\n      actions { kind config }\n      runs(first: 50) { totalCount edges { node { id status trigger error output } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowNameStatus($id: ID!) {\n    workflow(id: $id) { id name approvalStatus enabled }\n    workflows(first: 50) { totalCount edges { node { id name } } }\n  }\n"): (typeof documents)["\n  query WorkflowNameStatus($id: ID!) {\n    workflow(id: $id) { id name approvalStatus enabled }\n    workflows(first: 50) { totalCount edges { node { id name } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowActions($id: ID!) { workflow(id: $id) { id actions { kind } } }\n"): (typeof documents)["\n  query WorkflowActions($id: ID!) { workflow(id: $id) { id actions { kind } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowRuns($id: ID!) { workflow(id: $id) { id runs { totalCount } } }\n"): (typeof documents)["\n  query WorkflowRuns($id: ID!) { workflow(id: $id) { id runs { totalCount } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCustomer($input: CustomerInput!) { createCustomer(input: $input) { id name email phone status } }\n"): (typeof documents)["\n  mutation CreateCustomer($input: CustomerInput!) { createCustomer(input: $input) { id name email phone status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateCustomer($id: ID!, $input: CustomerInput!) {\n    updateCustomer(id: $id, input: $input) {\n      customer { id name company email phone }\n      pendingChange { id kind status summary piiAction targetType proposedChanges }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateCustomer($id: ID!, $input: CustomerInput!) {\n    updateCustomer(id: $id, input: $input) {\n      customer { id name company email phone }\n      pendingChange { id kind status summary piiAction targetType proposedChanges }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteCustomer($id: ID!, $mode: DeleteMode!) {\n    deleteCustomer(id: $id, mode: $mode) { deleted pendingChange { id piiAction status } }\n  }\n"): (typeof documents)["\n  mutation DeleteCustomer($id: ID!, $mode: DeleteMode!) {\n    deleteCustomer(id: $id, mode: $mode) { deleted pendingChange { id piiAction status } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomerQ($id: ID!) {\n    customer(id: $id) { id name company notes email phone status pendingChanges { id piiAction proposedChanges } }\n  }\n"): (typeof documents)["\n  query CustomerQ($id: ID!) {\n    customer(id: $id) { id name company notes email phone status pendingChanges { id piiAction proposedChanges } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Customers($includeDeleted: Boolean) {\n    customers(first: 100, includeDeleted: $includeDeleted) { totalCount edges { node { id name email phone status } } }\n  }\n"): (typeof documents)["\n  query Customers($includeDeleted: Boolean) {\n    customers(first: 100, includeDeleted: $includeDeleted) { totalCount edges { node { id name email phone status } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateLead($input: LeadInput!) { createLead(input: $input) { id name source email phone } }\n"): (typeof documents)["\n  mutation CreateLead($input: LeadInput!) { createLead(input: $input) { id name source email phone } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateLead($id: ID!, $input: LeadInput!) {\n    updateLead(id: $id, input: $input) { lead { id email phone source } pendingChange { id piiAction } }\n  }\n"): (typeof documents)["\n  mutation UpdateLead($id: ID!, $input: LeadInput!) {\n    updateLead(id: $id, input: $input) { lead { id email phone source } pendingChange { id piiAction } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Leads($includeDeleted: Boolean) { leads(first: 100, includeDeleted: $includeDeleted) { totalCount edges { node { id name email phone } } } }\n"): (typeof documents)["\n  query Leads($includeDeleted: Boolean) { leads(first: 100, includeDeleted: $includeDeleted) { totalCount edges { node { id name email phone } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KpiSeries($id: ID!, $input: KpiSeriesInput!, $filter: KpiDataFilter) {\n    kpi(id: $id) {\n      summary(filter: $filter) { count sum avg min max }\n      series(input: $input) {\n        bucket timeZone groupBy\n        total { count sum avg min max }\n        groups { key total { count sum avg min max } points { period count sum avg min max } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query KpiSeries($id: ID!, $input: KpiSeriesInput!, $filter: KpiDataFilter) {\n    kpi(id: $id) {\n      summary(filter: $filter) { count sum avg min max }\n      series(input: $input) {\n        bucket timeZone groupBy\n        total { count sum avg min max }\n        groups { key total { count sum avg min max } points { period count sum avg min max } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordKpiBatch($kpiId: ID!, $points: [KpiPointInput!]!, $batchKey: String) {\n    recordKpiData(kpiId: $kpiId, points: $points, batchKey: $batchKey)\n  }\n"): (typeof documents)["\n  mutation RecordKpiBatch($kpiId: ID!, $points: [KpiPointInput!]!, $batchKey: String) {\n    recordKpiData(kpiId: $kpiId, points: $points, batchKey: $batchKey)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RaceSetPolicy($kind: ApprovalKind!, $subject: String, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {\n    setApprovalPolicy(kind: $kind, subject: $subject, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) { requiredApprovals }\n  }\n"): (typeof documents)["\n  mutation RaceSetPolicy($kind: ApprovalKind!, $subject: String, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {\n    setApprovalPolicy(kind: $kind, subject: $subject, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) { requiredApprovals }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RaceApprove($id: ID!) { approveRequest(id: $id) { id status approvalCount } }\n"): (typeof documents)["\n  mutation RaceApprove($id: ID!) { approveRequest(id: $id) { id status approvalCount } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DemoMyAccess($kpiId: ID!, $row: [KpiRowValue!]) {\n    myAccess(kpiId: $kpiId, row: $row) { access basis grants { description wins } checks { decision { rule reason nextStep approvers } } }\n  }\n"): (typeof documents)["\n  query DemoMyAccess($kpiId: ID!, $row: [KpiRowValue!]) {\n    myAccess(kpiId: $kpiId, row: $row) { access basis grants { description wins } checks { decision { rule reason nextStep approvers } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DemoExplainAccess($userId: ID!, $kpiId: ID!, $row: [KpiRowValue!]) {\n    explainAccess(userId: $userId, kpiId: $kpiId, row: $row) { access checks { decision { rule reason approvers } } }\n  }\n"): (typeof documents)["\n  query DemoExplainAccess($userId: ID!, $kpiId: ID!, $row: [KpiRowValue!]) {\n    explainAccess(userId: $userId, kpiId: $kpiId, row: $row) { access checks { decision { rule reason approvers } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DemoPendingPii {\n    approvalRequests(kind: PII_CHANGE, status: PENDING) {\n      edges { node { id piiAction summary requiredApprovals countedRoles approvalCount approvals { approver { email } role comment } requestedBy { email } } }\n    }\n  }\n"): (typeof documents)["\n  query DemoPendingPii {\n    approvalRequests(kind: PII_CHANGE, status: PENDING) {\n      edges { node { id piiAction summary requiredApprovals countedRoles approvalCount approvals { approver { email } role comment } requestedBy { email } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DemoApprove($id: ID!) { approveRequest(id: $id) { status approvalCount approvals { approver { email } } } }\n"): (typeof documents)["\n  mutation DemoApprove($id: ID!) { approveRequest(id: $id) { status approvalCount approvals { approver { email } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation QuorumSetPolicy($kind: ApprovalKind!, $subject: String, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {\n    setApprovalPolicy(kind: $kind, subject: $subject, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) {\n      kind subject requiredApprovals countedRoles updatedBy { email }\n    }\n  }\n"): (typeof documents)["\n  mutation QuorumSetPolicy($kind: ApprovalKind!, $subject: String, $requiredApprovals: Int!, $countedRoles: [OrgRole!]) {\n    setApprovalPolicy(kind: $kind, subject: $subject, requiredApprovals: $requiredApprovals, countedRoles: $countedRoles) {\n      kind subject requiredApprovals countedRoles updatedBy { email }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QuorumPolicies { approvalPolicies { kind subject requiredApprovals countedRoles } }\n"): (typeof documents)["\n  query QuorumPolicies { approvalPolicies { kind subject requiredApprovals countedRoles } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation QuorumApprove($id: ID!, $comment: String) {\n    approveRequest(id: $id, comment: $comment) {\n      id status requiredApprovals countedRoles approvalCount decidedBy { email }\n      approvals { approver { email } role comment }\n    }\n  }\n"): (typeof documents)["\n  mutation QuorumApprove($id: ID!, $comment: String) {\n    approveRequest(id: $id, comment: $comment) {\n      id status requiredApprovals countedRoles approvalCount decidedBy { email }\n      approvals { approver { email } role comment }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QuorumProgress($id: ID!) {\n    approvalRequest(id: $id) { id status requiredApprovals countedRoles approvalCount approvals { approver { email } role } }\n  }\n"): (typeof documents)["\n  query QuorumProgress($id: ID!) {\n    approvalRequest(id: $id) { id status requiredApprovals countedRoles approvalCount approvals { approver { email } role } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReviewsDemoExtend { requestAccess(dimension: \"region\", value: \"US\", justification: \"Close runs late\", durationDays: 30) { id status endsAt } }\n"): (typeof documents)["\n  mutation ReviewsDemoExtend { requestAccess(dimension: \"region\", value: \"US\", justification: \"Close runs late\", durationDays: 30) { id status endsAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewsDemoOrgMax { organization { maxAccessDays } }\n"): (typeof documents)["\n  query ReviewsDemoOrgMax { organization { maxAccessDays } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReviewsOpen($input: OpenAccessReviewInput!) {\n    openAccessReview(input: $input) {\n      id title coverage status deadline defaultOutcome value dimension { key } kpi { key }\n      progress { total undecided kept revoked keptByDefault revokedByDefault }\n    }\n  }\n"): (typeof documents)["\n  mutation ReviewsOpen($input: OpenAccessReviewInput!) {\n    openAccessReview(input: $input) {\n      id title coverage status deadline defaultOutcome value dimension { key } kpi { key }\n      progress { total undecided kept revoked keptByDefault revokedByDefault }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewsItems($id: ID!, $undecided: Boolean) {\n    accessReview(id: $id) {\n      id status closedAt\n      progress { total undecided kept revoked keptByDefault revokedByDefault }\n      reviewers { reviewer { email } total undecided }\n      items(first: 100, undecided: $undecided) {\n        totalCount\n        edges { node { id itemType decision automatic subject { email } reviewer { email } decidedBy { email } scope { value active dimension { key } } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ReviewsItems($id: ID!, $undecided: Boolean) {\n    accessReview(id: $id) {\n      id status closedAt\n      progress { total undecided kept revoked keptByDefault revokedByDefault }\n      reviewers { reviewer { email } total undecided }\n      items(first: 100, undecided: $undecided) {\n        totalCount\n        edges { node { id itemType decision automatic subject { email } reviewer { email } decidedBy { email } scope { value active dimension { key } } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewsRoleItems($id: ID!) {\n    accessReview(id: $id) { items(first: 100) { edges { node { id itemType decision subject { email } role { name } } } } }\n  }\n"): (typeof documents)["\n  query ReviewsRoleItems($id: ID!) {\n    accessReview(id: $id) { items(first: 100) { edges { node { id itemType decision subject { email } role { name } } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewsMine($reviewId: ID, $undecided: Boolean) {\n    myReviewItems(reviewId: $reviewId, undecided: $undecided, first: 100) {\n      totalCount\n      edges { node { id itemType decision subject { email } scope { value } review { id title } } }\n    }\n  }\n"): (typeof documents)["\n  query ReviewsMine($reviewId: ID, $undecided: Boolean) {\n    myReviewItems(reviewId: $reviewId, undecided: $undecided, first: 100) {\n      totalCount\n      edges { node { id itemType decision subject { email } scope { value } review { id title } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewsList($status: AccessReviewStatus) { accessReviews(status: $status, first: 100) { totalCount edges { node { id title status } } } }\n"): (typeof documents)["\n  query ReviewsList($status: AccessReviewStatus) { accessReviews(status: $status, first: 100) { totalCount edges { node { id title status } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReviewsDecide($id: ID!, $decision: ReviewOutcome!) {\n    decideReviewItem(id: $id, decision: $decision) { id decision automatic decidedAt decidedBy { email } }\n  }\n"): (typeof documents)["\n  mutation ReviewsDecide($id: ID!, $decision: ReviewOutcome!) {\n    decideReviewItem(id: $id, decision: $decision) { id decision automatic decidedAt decidedBy { email } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SchemaTypingTargets {\n    approvalRequests(first: 100) {\n      edges { node { id kind summary targetType targetId target { __typename id name } workflow { id } } }\n    }\n  }\n"): (typeof documents)["\n  query SchemaTypingTargets {\n    approvalRequests(first: 100) {\n      edges { node { id kind summary targetType targetId target { __typename id name } workflow { id } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SchemaTypingNode($id: ID!) {\n    node(id: $id) { __typename id ... on Customer { name } ... on Workflow { name } ... on WorkflowRun { status } ... on ApprovalRequest { kind } }\n  }\n"): (typeof documents)["\n  query SchemaTypingNode($id: ID!) {\n    node(id: $id) { __typename id ... on Customer { name } ... on Workflow { name } ... on WorkflowRun { status } ... on ApprovalRequest { kind } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogoutTwin { logout }\n"): (typeof documents)["\n  mutation LogoutTwin { logout }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SessionLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) { token expiresAt user { email } }\n  }\n"): (typeof documents)["\n  mutation SessionLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) { token expiresAt user { email } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SessionAcceptInvite($token: String!, $password: String!) {\n    acceptInvite(token: $token, password: $password) { token expiresAt }\n  }\n"): (typeof documents)["\n  mutation SessionAcceptInvite($token: String!, $password: String!) {\n    acceptInvite(token: $token, password: $password) { token expiresAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout { logout }\n"): (typeof documents)["\n  mutation Logout { logout }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NoticeAsk($value: String!, $endsAt: DateTime) {\n    requestAccess(dimension: \"region\", value: $value, justification: \"notice\", endsAt: $endsAt) { id endsAt }\n  }\n"): (typeof documents)["\n  mutation NoticeAsk($value: String!, $endsAt: DateTime) {\n    requestAccess(dimension: \"region\", value: $value, justification: \"notice\", endsAt: $endsAt) { id endsAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TimeBoundAsk($dimension: String!, $value: String!, $startsAt: DateTime, $endsAt: DateTime, $durationDays: Int) {\n    requestAccess(dimension: $dimension, value: $value, justification: \"time-bound\", startsAt: $startsAt, endsAt: $endsAt, durationDays: $durationDays) {\n      id status summary startsAt endsAt\n    }\n  }\n"): (typeof documents)["\n  mutation TimeBoundAsk($dimension: String!, $value: String!, $startsAt: DateTime, $endsAt: DateTime, $durationDays: Int) {\n    requestAccess(dimension: $dimension, value: $value, justification: \"time-bound\", startsAt: $startsAt, endsAt: $endsAt, durationDays: $durationDays) {\n      id status summary startsAt endsAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TimeBoundSetMax($days: Int) { setMaxAccessDays(days: $days) { id maxAccessDays } }\n"): (typeof documents)["\n  mutation TimeBoundSetMax($days: Int) { setMaxAccessDays(days: $days) { id maxAccessDays } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TimeBoundOrgMax { organization { maxAccessDays } }\n"): (typeof documents)["\n  query TimeBoundOrgMax { organization { maxAccessDays } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowPrincipal($id: ID!) {\n    workflow(id: $id) { id approvalStatus createdBy { email } definedBy { email } actions { kind config } }\n  }\n"): (typeof documents)["\n  query WorkflowPrincipal($id: ID!) {\n    workflow(id: $id) { id approvalStatus createdBy { email } definedBy { email } actions { kind config } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }\n"): (typeof documents)["\n  mutation DeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunOutputs($id: ID!) {\n    workflow(id: $id) { id runs(first: 10) { edges { node { id status output } } } }\n  }\n"): (typeof documents)["\n  query RunOutputs($id: ID!) {\n    workflow(id: $id) { id runs(first: 10) { edges { node { id status output } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWorkflowRacing($id: ID!) { deleteWorkflow(id: $id) }\n"): (typeof documents)["\n  mutation DeleteWorkflowRacing($id: ID!) { deleteWorkflow(id: $id) }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;