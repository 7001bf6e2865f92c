// Unit tests of the workflow rules: who manages which workflow, whose permissions a run uses, what
// a save needs, when a run is refused (and which version it records), who reads an output.
import { describe, expect, it } from 'vitest';
import {
  blockedRunDecision, isRisky, isScheduled, manageDecision, outputDecision, runAsPrincipal, runBlock, saveOutcome, type SaveFacts,
} from './policy.ts';

const facts = (f: Partial<SaveFacts> = {}): SaveFacts => ({ risky: true, definitionChanged: true, status: null, hasRequest: false, ...f });
const wf = (f: Partial<Parameters<typeof runBlock>[0]> = {}) => ({ requiresApproval: true, approvalStatus: 'APPROVED', enabled: true, definitionHash: 'h1', ...f });

describe('workflow policy', () => {
  it('lets the creator, an ADMIN and an OWNER manage a workflow; an EDITOR only their own; a VIEWER none', () => {
    expect(manageDecision('EDITOR', 'me', 'me')).toMatchObject({ allowed: true });
    expect(manageDecision('EDITOR', 'me', 'other')).toMatchObject({ allowed: false, rule: 'workflows.manage-own-only', approvers: ['ADMIN', 'OWNER'] });
    expect(manageDecision('ADMIN', 'me', 'other')).toMatchObject({ allowed: true });
    expect(manageDecision('OWNER', 'me', 'other')).toMatchObject({ allowed: true });
    expect(manageDecision('VIEWER', 'me', 'me')).toMatchObject({ allowed: false, rule: 'workflows.manage' });
  });

  it('runs as whoever last defined the workflow, or its creator on rows from before', () => {
    expect(runAsPrincipal({ createdById: 'c', definedById: 'd' })).toBe('d');
    expect(runAsPrincipal({ createdById: 'c', definedById: null })).toBe('c');
  });

  it('approves what is not risky or unchanged-approved at once, an OWNER’s risky save at once, and asks otherwise', () => {
    expect(saveOutcome('EDITOR', facts({ risky: false }))).toBe('APPROVED');
    expect(saveOutcome('EDITOR', facts({ definitionChanged: false, status: 'APPROVED' }))).toBe('APPROVED');
    expect(saveOutcome('OWNER', facts())).toBe('APPROVED_BY_SAVER');
    expect(saveOutcome('OWNER', facts({ definitionChanged: false, status: 'PENDING', hasRequest: true }))).toBe('APPROVED_BY_SAVER');
    expect(saveOutcome('ADMIN', facts())).toBe('NEEDS_APPROVAL');
    expect(saveOutcome('EDITOR', facts({ definitionChanged: false, status: 'PENDING', hasRequest: true }))).toBe('STILL_PENDING');
    expect(saveOutcome('EDITOR', facts({ definitionChanged: false, status: 'REJECTED', hasRequest: true }))).toBe('NEEDS_APPROVAL');
    expect(saveOutcome('EDITOR', facts({ definitionChanged: true, status: 'APPROVED' }))).toBe('NEEDS_APPROVAL');
  });

  it('calls WEBHOOK and SET_KPI_TARGET risky', () => {
    expect(isRisky(['NOTIFY', 'SNAPSHOT_KPI'])).toBe(false);
    expect(isRisky(['NOTIFY', 'WEBHOOK'])).toBe(true);
    expect(isRisky(['SET_KPI_TARGET'])).toBe(true);
  });

  it('blocks an unapproved risky or a disabled workflow, once per definition version and state', () => {
    expect(runBlock(wf())).toBeNull();
    expect(runBlock(wf({ requiresApproval: false, approvalStatus: 'PENDING' }))).toBeNull();
    expect(runBlock(wf({ approvalStatus: 'PENDING' }))).toMatchObject({ rule: 'workflows.approval-required', version: 'h1:PENDING' });
    expect(runBlock(wf({ approvalStatus: 'REJECTED', enabled: false }))).toMatchObject({ rule: 'workflows.approval-required', version: 'h1:REJECTED' });
    expect(runBlock(wf({ enabled: false }))).toMatchObject({ rule: 'workflows.disabled', version: 'h1:disabled' });
    expect(isScheduled({ ...wf({ approvalStatus: 'PENDING' }), trigger: 'SCHEDULE' })).toBe(false);
    expect(isScheduled({ ...wf(), trigger: 'SCHEDULE' })).toBe(true);
    expect(isScheduled({ ...wf(), trigger: 'MANUAL' })).toBe(false);
  });

  it('says who may approve a blocked run and which request', () => {
    const block = runBlock(wf({ approvalStatus: 'PENDING' }))!;
    expect(blockedRunDecision('Ping', block, 'PENDING', 'R1')).toMatchObject({
      allowed: false,
      rule: 'workflows.approval-required',
      nextStep: 'Approve request R1; an ADMIN or OWNER other than the requester may approve it.',
      approvers: ['ADMIN', 'OWNER'],
    });
    expect(blockedRunDecision('Ping', runBlock(wf({ enabled: false }))!, 'APPROVED', null)).toMatchObject({ rule: 'workflows.disabled' });
  });

  it('shows an output only to who may see the KPIs it summarises; an OWNER always; a VIEWER never', () => {
    expect(outputDecision('OWNER', [{ key: 'sales', access: 'NONE' }])).toMatchObject({ allowed: true });
    expect(outputDecision('EDITOR', [])).toMatchObject({ allowed: true });
    expect(outputDecision('EDITOR', [{ key: 'sales', access: 'FULL' }])).toMatchObject({ allowed: true });
    expect(outputDecision('EDITOR', [{ key: 'sales', access: 'FULL' }, { key: 'cost', access: 'RESTRICTED' }])).toMatchObject({
      allowed: false,
      rule: 'workflows.output-reveals-kpi',
      reason: expect.stringContaining('KPI "cost" (your access: RESTRICTED)'),
    });
    expect(outputDecision('EDITOR', [{ key: 'sales', access: 'NONE' }])).toMatchObject({ allowed: false, rule: 'workflows.output-reveals-kpi' });
    expect(outputDecision('ADMIN', [{ key: 'sales', access: 'NONE' }])).toMatchObject({ allowed: true });
    expect(outputDecision('VIEWER', [])).toMatchObject({ allowed: false, rule: 'workflows.readOutput' });
  });
});
