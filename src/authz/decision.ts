// What every policy returns: allowed or not, the rule that decided, a sentence for a person and
// the next step. Policies stay pure; `enforce` turns a refusal into the API's FORBIDDEN error,
// carrying the same decision in `extensions` (rule, reason, nextStep, approvers).
import { AppError, ErrorCode } from '../errors.ts';

export interface Decision {
  allowed: boolean;
  /** The rule's stable name, e.g. `members.last-owner`. */
  rule: string;
  /** Why, in a sentence a person can read. */
  reason: string;
  /** What the caller can do about it; null when there is nothing to do. */
  nextStep: string | null;
  /** Who may approve or grant what was refused, where that helps (roles or emails). */
  approvers?: readonly string[];
}

export const allow = (rule: string, reason = 'Allowed.'): Decision => ({ allowed: true, rule, reason, nextStep: null });

export const deny = (rule: string, reason: string, nextStep: string | null = null, approvers?: readonly string[]): Decision => ({
  allowed: false,
  rule,
  reason,
  nextStep,
  ...(approvers ? { approvers } : {}),
});

/** The first refusal among decisions taken in order, or the last allowance. */
export function firstRefusal(...decisions: (() => Decision)[]): Decision {
  let last: Decision = allow('none');
  for (const decide of decisions) {
    last = decide();
    if (!last.allowed) return last;
  }
  return last;
}

/** The API error of a refusal: FORBIDDEN (or another code, e.g. APPROVAL_REQUIRED) with the decision in `extensions`. */
export function refusalError(decision: Decision, code: ErrorCode = ErrorCode.FORBIDDEN, details: Record<string, unknown> = {}): AppError {
  return new AppError(code, decision.nextStep ? `${decision.reason} ${decision.nextStep}` : decision.reason, {
    rule: decision.rule,
    details: { reason: decision.reason, nextStep: decision.nextStep, ...(decision.approvers ? { approvers: decision.approvers } : {}), ...details },
  });
}

/** Throws the decision's error unless it allows. */
export function enforce(decision: Decision): void {
  if (!decision.allowed) throw refusalError(decision);
}
