import { describe, expect, it } from 'vitest';
import { listeningOn } from './logger.ts';

describe('listeningOn', () => {
  it('names the address the server is bound to, and says when that is every interface', () => {
    expect(listeningOn('127.0.0.1', 4000, '/graphql')).toBe('http://127.0.0.1:4000/graphql');
    expect(listeningOn('::1', 4000, '/graphql')).toBe('http://[::1]:4000/graphql');
    expect(listeningOn('api.internal', 8080, '/metrics')).toBe('http://api.internal:8080/metrics');
    expect(listeningOn('0.0.0.0', 4000, '/graphql')).toBe('all interfaces (0.0.0.0), port 4000: http://localhost:4000/graphql from this machine');
    expect(listeningOn('::', 4000, '/graphql')).toBe('all interfaces (::), port 4000: http://localhost:4000/graphql from this machine');
  });
});
