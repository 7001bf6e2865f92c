import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { boundedLabel, OPERATION_NAME, outcomeOf, publicErrorCode } from './metrics.ts';

describe('publicErrorCode', () => {
  it('is the code the client receives', () => {
    expect(publicErrorCode(new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } }))).toBe('FORBIDDEN');
    // Ours, wrapped by graphql-js at its path: the original's code.
    const ours = new GraphQLError('no', { extensions: { code: 'CONFLICT' } });
    expect(publicErrorCode(new GraphQLError('no', { originalError: ours, extensions: ours.extensions }))).toBe('CONFLICT');
  });
  it('counts parse, validation and code-less graphql errors as input errors', () => {
    for (const code of [undefined, 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST'])
      expect(publicErrorCode(new GraphQLError('bad', { extensions: code ? { code } : {} }))).toBe('BAD_USER_INPUT');
  });
  it('counts anything unexpected as INTERNAL_SERVER_ERROR, as masking shows it', () => {
    expect(publicErrorCode(new GraphQLError('boom', { originalError: new TypeError('x is undefined') }))).toBe('INTERNAL_SERVER_ERROR');
    expect(publicErrorCode(new Error('boom'))).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('boundedLabel', () => {
  it('keeps the first distinct values and calls later ones `(other)`', () => {
    const label = boundedLabel(2);
    expect(['A', 'B', 'C', 'A', undefined, 'B'].map(label)).toEqual(['A', 'B', '(other)', 'A', '(unnamed)', 'B']);
  });
  it('names a missing value, with a value no GraphQL name can take', () => {
    expect(boundedLabel(5)(undefined)).toBe('(unnamed)');
    for (const value of Object.values(OPERATION_NAME)) expect(value).not.toMatch(/^[_A-Za-z][_0-9A-Za-z]*$/);
  });
});

describe('outcomeOf', () => {
  it('tells ok, partial and error apart', () => {
    const error = new GraphQLError('no');
    expect(outcomeOf({ data: { a: 1 } })).toBe('ok');
    expect(outcomeOf({ data: { a: 1, b: null }, errors: [error] })).toBe('partial');
    expect(outcomeOf({ data: { a: null }, errors: [error] })).toBe('error');
    expect(outcomeOf({ data: null, errors: [error] })).toBe('error');
  });
});
