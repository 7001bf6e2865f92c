import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { jitCompilable } from './executor.ts';

describe('jitCompilable', () => {
  it('compiles queries and mutations that pass their input as variables', () => {
    expect(jitCompilable(parse('query($id: ID!, $first: Int) { kpi(id: $id) { data(first: $first) { totalCount } } }'))).toBe(true);
    expect(jitCompilable(parse('mutation($input: WorkflowInput!) { createWorkflow(input: $input) { id } }'))).toBe(true);
    expect(jitCompilable(parse('{ kpi(id: "x") { data(first: 5) { totalCount } } }'))).toBe(true);
  });

  it('leaves subscriptions and object or list literals to graphql-js', () => {
    expect(jitCompilable(parse('subscription { approvalEvents { type } }'))).toBe(false);
    expect(jitCompilable(parse('query($id: ID!) { kpi(id: $id) { summary(filter: {}) { count } } }'))).toBe(false);
    expect(jitCompilable(parse('mutation($m: String!) { createWorkflow(input: { name: "n", actions: [{ kind: NOTIFY, config: { message: $m } }] }) { id } }'))).toBe(false);
    expect(jitCompilable(parse('{ a(list: [1]) }'))).toBe(false);
  });

  it('decides per operation of a document', () => {
    const document = parse('query Q { me { email } } subscription S { approvalEvents { type } }');
    expect(jitCompilable(document, 'Q')).toBe(true);
    expect(jitCompilable(document, 'S')).toBe(false);
  });
});
