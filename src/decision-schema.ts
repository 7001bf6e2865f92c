// The GraphQL shape of a policy's decision: what explanations and previews answer with, the same
// fields a refusal carries in its error's `extensions` (rule, reason, nextStep, approvers). Beside
// the builder, not in src/authz/: the builder's scopes read authz, so a type it builds sits above.
import { builder } from './builder.ts';
import type { Decision } from './authz/decision.ts';

export const DecisionRef = builder.objectRef<Decision>('Decision').implement({
  description: "A policy's decision: whether it allows, the rule that decided, why, and what to do next.",
  fields: (t) => ({
    allowed: t.exposeBoolean('allowed'),
    rule: t.exposeString('rule', { description: 'The stable name of the deciding rule, e.g. `approvals.no-self-decision`.' }),
    reason: t.exposeString('reason', { description: 'Why, in a sentence a person can read.' }),
    nextStep: t.exposeString('nextStep', { nullable: true, description: 'What to do about it; null when there is nothing to do.' }),
    approvers: t.stringList({ description: 'Who may approve or grant what was refused (roles or emails), where that helps.', resolve: (d) => [...(d.approvers ?? [])] }),
  }),
});
