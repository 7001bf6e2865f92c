// The link between checkpoints (pure): each names the one before it by seq and signature hash.
import { describe, expect, it } from 'vitest';
import { retryDelaySeconds } from './anchor.ts';
import { GENESIS, linkProblem, linkTo, signatureHash, type Checkpoint } from './proof.ts';

const cp = (seq: number, signature: string, link: Pick<Checkpoint, 'prevSeq' | 'prevSignatureHash'>): Checkpoint => ({
  chain: 'org:a',
  seq,
  hash: 'h',
  digest: 'd',
  at: '2026-01-01T00:00:00.000Z',
  keyId: 'ed25519:k',
  signature,
  ...link,
});

describe('checkpoint links', () => {
  const first = cp(3, 'sig-3', linkTo(null));
  const second = cp(5, 'sig-5', linkTo(first));
  const legacy = cp(2, 'sig-2', { prevSeq: null, prevSignatureHash: null });

  it('names the previous checkpoint, or none for the first', () => {
    expect(linkTo(null)).toEqual({ prevSeq: 0, prevSignatureHash: GENESIS });
    expect(linkTo(first)).toEqual({ prevSeq: 3, prevSignatureHash: signatureHash(first) });
    expect(linkProblem(first, null)).toBeNull();
    expect(linkProblem(second, first)).toBeNull();
    expect(linkProblem(first, legacy)).toBe('the checkpoint at seq 3 says it is the chain\'s first, but checkpoint 2 comes before it');
    expect(linkProblem(cp(3, 'sig-3', { prevSeq: 2, prevSignatureHash: signatureHash(legacy) }), legacy)).toBeNull();
  });

  it('names what is missing, forked or replaced', () => {
    expect(linkProblem(second, null)).toBe('checkpoint 3, named by checkpoint 5 as the one before it, is missing: it was removed');
    expect(linkProblem(second, legacy)).toBe('checkpoint 3, named by checkpoint 5 as the one before it, is missing: it was removed');
    expect(linkProblem(second, cp(4, 'sig-4', linkTo(first)))).toBe('checkpoint 5 names checkpoint 3 as the one before it, but checkpoint 4 lies between them: the chain of checkpoints forks');
    expect(linkProblem(second, cp(3, 'other', linkTo(null)))).toBe('checkpoint 5 names checkpoint 3 with another signature than the one held: checkpoint 3 was replaced');
    expect(linkProblem(cp(5, 'sig-5b', linkTo(first)), second)).toBe('two different checkpoints sign seq 5: one of them replaced the other');
    expect(linkProblem(legacy, first)).toBe('the checkpoint at seq 2 is not linked, though the one before it (seq 3) is: it was not signed by this server');
  });

  it('retries after the retry interval, doubled per failure, at most an hour', () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(30, n))).toEqual([30, 60, 120, 240]);
    expect(retryDelaySeconds(30, 20)).toBe(3600);
  });
});
