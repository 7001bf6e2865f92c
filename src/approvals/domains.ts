// The approval kinds the domains register: each domain's handler, plugged into the one core.
import type { ApprovalKindHandler } from './kinds.ts';
import { accessScopeKind } from '../kpis/scopes.ts';
import { workflowKind } from '../workflows/definitions.ts';
import { piiChangeKind } from '../pii/service.ts';

export const domainApprovalKinds: ApprovalKindHandler[] = [accessScopeKind, workflowKind, piiChangeKind];
