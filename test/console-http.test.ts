// How the server serves the approvals console at /console: its files by name with their content
// types and a strict Content-Security-Policy, the settings it reads before sign-in, nothing
// outside console/dist, and a clear answer when the console has not been built.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, CONSOLE_DIST } from '../console/build.ts';
import { CONSOLE_CSP, consoleSite } from '../src/http/console.ts';
import { DEMO_PERSONAS } from '../src/identity/bootstrap.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let origin: string;
let built: string[];

beforeAll(async () => {
  built = await buildConsole();
  server = await startTestServer();
  origin = `http://127.0.0.1:${await server.app.start(0, '127.0.0.1')}`;
});
afterAll(() => server?.close());

/** A raw HTTP request: the path goes out exactly as written (fetch would normalise `..`). */
function raw(base: string, path: string, method = 'GET', headers: Record<string, string> = {}) {
  const url = new URL(base);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw GET whose body is kept as bytes (compressed ones included). */
function rawBytes(base: string, path: string, headers: Record<string, string> = {}) {
  const url = new URL(base);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('console files', () => {
  it('builds index, script, style, their source maps and the icon', () => {
    expect(built).toEqual(['app.css', 'app.css.map', 'app.js', 'app.js.map', 'favicon.svg', 'index.html']);
  });

  it('serves the page at /console and /console/ with a strict CSP and no framing or sniffing', async () => {
    for (const path of ['/console', '/console/', '/console/index.html']) {
      const r = await raw(origin, path);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.body).toBe(readFileSync(join(CONSOLE_DIST, 'index.html'), 'utf8'));
    }
    expect(CONSOLE_CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'",
    );
  });

  it('loads nothing from elsewhere: the page names only its own files, the bundle no URL but XML namespaces', async () => {
    const page = (await raw(origin, '/console/')).body;
    expect([...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])).toEqual(['/console/favicon.svg', '/console/app.css', '/console/app.js']);
    const script = (await raw(origin, '/console/app.js')).body;
    expect([...new Set(script.match(/https?:\/\/[^\s"'`)]+/g))].sort()).toEqual([
      'http://www.w3.org/1998/Math/MathML',
      'http://www.w3.org/1999/xhtml',
      'http://www.w3.org/2000/svg',
    ]);
  });

  it('serves each file with its content type, revalidated by ETag', async () => {
    const types = {
      '/console/app.js': 'text/javascript; charset=utf-8',
      '/console/app.css': 'text/css; charset=utf-8',
      '/console/app.js.map': 'application/json; charset=utf-8',
      '/console/favicon.svg': 'image/svg+xml',
    };
    for (const [path, type] of Object.entries(types)) {
      const r = await raw(origin, path);
      expect([path, r.status, r.headers['content-type'], r.headers['cache-control']]).toEqual([path, 200, type, 'no-cache']);
      const again = await raw(origin, path, 'GET', { 'if-none-match': String(r.headers.etag) });
      expect([path, again.status, again.body]).toEqual([path, 304, '']);
    }
    // Compressed once when loaded: br when accepted, else gzip, the same content decompressed (the
    // page itself is under the 1 KiB worth compressing).
    for (const path of ['/console/app.js', '/console/app.css']) {
      const file = readFileSync(join(CONSOLE_DIST, path.slice('/console/'.length)));
      const br = await rawBytes(origin, path, { 'accept-encoding': 'gzip, deflate, br' });
      const gz = await rawBytes(origin, path, { 'accept-encoding': 'gzip' });
      const none = await rawBytes(origin, path, { 'accept-encoding': 'br;q=0, gzip;q=0' });
      expect([path, br.headers['content-encoding'], gz.headers['content-encoding'], none.headers['content-encoding'], br.headers.vary]).toEqual([path, 'br', 'gzip', undefined, 'Accept-Encoding']);
      expect([path, brotliDecompressSync(br.body).equals(file), gunzipSync(gz.body).equals(file), none.body.equals(file)]).toEqual([path, true, true, true]);
      expect([path, Number(br.headers['content-length']) < file.length / 2]).toEqual([path, true]);
      expect([path, br.headers['content-security-policy'], br.headers['cache-control']]).toEqual([path, CONSOLE_CSP, 'no-cache']);
      const again = await rawBytes(origin, path, { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) });
      expect([path, again.status, again.body.length]).toEqual([path, 304, 0]);
    }
    const head = await raw(origin, '/console/app.js', 'HEAD');
    expect([head.status, head.body, Number(head.headers['content-length'])]).toEqual([200, '', readFileSync(join(CONSOLE_DIST, 'app.js')).length]);
  });

  it('serves nothing but the built files: other names, paths and methods are refused', async () => {
    for (const path of ['/console/../package.json', '/console/..%2fpackage.json', '/console/%2e%2e/package.json', '/console/.env', '/console/sub/app.js', '/console/app.ts', '/console/nothing.js', '/console/main.tsx'])
      expect([path, (await raw(origin, path)).status]).toEqual([path, 404]);
    const post = await raw(origin, '/console/', 'POST');
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
    // Not under /console: GraphQL's path answers as before.
    expect((await raw(origin, '/consoles')).status).toBe(404);
  });
});

describe('console settings', () => {
  it('offers the demo personas when dev headers are on', async () => {
    const r = await raw(origin, '/console/config.json');
    expect([r.status, r.headers['content-type'], r.headers['cache-control']]).toEqual([200, 'application/json; charset=utf-8', 'no-store']);
    expect(JSON.parse(r.body)).toEqual({
      devHeaders: true,
      personas: DEMO_PERSONAS.map(({ email, displayName, role, note }) => ({ email, displayName, role, note })),
      maxPageSize: 100,
    });
  });

  it('offers none when they are off, and says the page size the server allows', async () => {
    const off = createServer(consoleSite({ ...server.config, AUTH_DEV_HEADERS: false, MAX_PAGE_SIZE: 10 }));
    await new Promise<void>((resolve) => off.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(off.address() as AddressInfo).port}`;
      expect(JSON.parse((await raw(base, '/console/config.json')).body)).toEqual({ devHeaders: false, personas: [], maxPageSize: 10 });
    } finally {
      await new Promise((resolve) => off.close(resolve));
    }
  });
});

describe('a console that is not built', () => {
  let site: Server;
  let empty: string;
  beforeAll(async () => {
    empty = mkdtempSync(join(tmpdir(), 'console-empty-'));
    site = createServer(consoleSite(server.config, empty));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => site.close(resolve));
    rmSync(empty, { recursive: true, force: true });
  });

  it('answers 503 with the command that builds it', async () => {
    const r = await raw(`http://127.0.0.1:${(site.address() as AddressInfo).port}`, '/console/');
    expect([r.status, r.body]).toEqual([503, 'The approvals console is not built yet: run `npm run build:console` (npm start does it), then reload.']);
    expect((await raw(`http://127.0.0.1:${(site.address() as AddressInfo).port}`, '/console/app.js')).status).toBe(404);
  });
});
