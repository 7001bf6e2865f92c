// Which cross-origin requests pass, and what a refused one is told.
import { describe, expect, it } from 'vitest';
import { corsOutcome } from './cors.ts';

const APP = 'http://localhost:5173';
const preflight = (origin: string, host = 'localhost:4000', requested?: string) => ({
  method: 'OPTIONS',
  headers: { origin, host, 'access-control-request-method': 'POST', ...(requested ? { 'access-control-request-headers': requested } : {}) },
});

describe('corsOutcome', () => {
  it('lets through requests without an Origin and from the server its own origin, adding nothing', () => {
    expect(corsOutcome([], { method: 'POST', headers: { host: 'localhost:4000' } })).toEqual({ headers: {} });
    expect(corsOutcome([], { method: 'POST', headers: { host: 'localhost:4000', origin: 'http://localhost:4000' } })).toEqual({ headers: {} });
    expect(corsOutcome([], { method: 'POST', headers: { host: 'API.example.com', origin: 'https://api.example.com' } })).toEqual({ headers: {} });
  });

  it('answers a preflight from an allowed origin with the headers it asked for', () => {
    expect(corsOutcome([APP], preflight(APP, 'localhost:4000', 'content-type, authorization, x-organization-id'))).toEqual({
      answer: {
        status: 204,
        headers: {
          'access-control-allow-origin': APP,
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': 'x-request-id',
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': 'content-type, authorization, x-organization-id',
          'access-control-max-age': '600',
          vary: 'Origin, Access-Control-Request-Headers',
        },
        body: null,
      },
    });
    expect(corsOutcome([`${APP}/`], preflight(APP))).toMatchObject({ answer: { status: 204, headers: { 'access-control-allow-origin': APP } } });
  });

  it('adds the allow headers to an allowed actual request', () => {
    expect(corsOutcome([APP], { method: 'POST', headers: { origin: APP, host: 'localhost:4000' } })).toEqual({
      headers: { 'access-control-allow-origin': APP, 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'x-request-id', vary: 'Origin' },
    });
  });

  it('refuses any other origin with a message that says what to set, preflight or not', () => {
    const none = corsOutcome([], preflight(APP));
    expect(none).toMatchObject({ answer: { status: 403, headers: { 'content-type': 'application/json; charset=utf-8', vary: 'Origin' } } });
    const body = JSON.parse((none as { answer: { body: string } }).answer.body);
    expect(body).toEqual({
      errors: [
        {
          message: `Cross-origin request from ${APP} refused: CORS_ORIGINS is empty, so no other origin is allowed. Add the origin to CORS_ORIGINS (comma-separated, e.g. CORS_ORIGINS=${APP}) and restart, or serve the app from this server's origin.`,
          extensions: {
            code: 'FORBIDDEN',
            rule: 'http.cors-origin',
            origin: APP,
            reason: `Cross-origin request from ${APP} refused: CORS_ORIGINS is empty, so no other origin is allowed.`,
            nextStep: `Add the origin to CORS_ORIGINS (comma-separated, e.g. CORS_ORIGINS=${APP}) and restart, or serve the app from this server's origin.`,
          },
        },
      ],
    });
    const other = corsOutcome(['https://app.example.com'], { method: 'POST', headers: { origin: 'https://evil.example', host: 'api.example.com' } });
    expect(JSON.parse((other as { answer: { body: string } }).answer.body).errors[0].message).toMatch(/^Cross-origin request from https:\/\/evil\.example refused: CORS_ORIGINS allows https:\/\/app\.example\.com\./);
    expect(corsOutcome([APP], preflight('null'))).toMatchObject({ answer: { status: 403 } });
  });
});
