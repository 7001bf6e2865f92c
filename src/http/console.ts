// Serves the approvals console (built by `npm run build:console` into console/dist/) at /console:
// its few files by name, with their content types and a Content-Security-Policy that lets the page
// load nothing but its own script and style and talk to nothing but this server. Its files are
// compressed once when loaded (br, gzip) and revalidated by ETag (src/http/static-files.ts).
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import { DEMO_PERSONAS } from '../identity/bootstrap.ts';
import { REVALIDATE, sendStatic, staticFile, type StaticFile } from './static-files.ts';

export const CONSOLE_PATH = '/console';
export const CONSOLE_DIST = resolve(import.meta.dirname, '../../console/dist');

/** What the page may do: its own script and style, requests to this origin (HTTP and WebSocket), nothing else. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** A file name the build writes: letters, digits, dashes, dots; never a path. */
const FILE_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9]+)+$/;

/** What the console learns from the server before sign-in: whether it may offer the demo personas, and the largest page it may ask for. */
export function consoleConfig(config: Config) {
  const devHeaders = config.AUTH_DEV_HEADERS && config.NODE_ENV !== 'production';
  return {
    devHeaders,
    personas: devHeaders ? DEMO_PERSONAS.map(({ email, displayName, role, note }) => ({ email, displayName, role, note })) : [],
    maxPageSize: config.MAX_PAGE_SIZE,
  };
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  file: StaticFile;
}

/** The handler for every path under /console. */
export function consoleSite(config: Config, root = CONSOLE_DIST) {
  const cache = new Map<string, CachedFile>();
  const settings = JSON.stringify(consoleConfig(config));

  const load = async (name: string): Promise<CachedFile | null> => {
    const path = join(root, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return null;
    const known = cache.get(name);
    if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known;
    const loaded = { mtimeMs: info.mtimeMs, size: info.size, file: await staticFile(await readFile(path), CONTENT_TYPES[extname(name)]!) };
    cache.set(name, loaded);
    return loaded;
  };

  const send = (req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string) => {
    res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-length': String(Buffer.byteLength(body)) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const plain = (req: IncomingMessage, res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) =>
    send(req, res, status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers }, text);

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(req, res, 405, 'The console accepts GET and HEAD only.', { allow: 'GET, HEAD' });
    const path = (req.url ?? '/').split('?')[0]!;
    const rest = path === CONSOLE_PATH ? '' : path.slice(CONSOLE_PATH.length + 1);
    if (rest === 'config.json') return send(req, res, 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, settings);
    const name = rest === '' ? 'index.html' : rest;
    const type = CONTENT_TYPES[extname(name)];
    if (!FILE_NAME.test(name) || !type) return plain(req, res, 404, `No such console file: ${path}`);
    const loaded = await load(name);
    if (!loaded) {
      if (name === 'index.html')
        return plain(req, res, 503, 'The approvals console is not built yet: run `npm run build:console` (npm start does it), then reload.');
      return plain(req, res, 404, `No such console file: ${path}`);
    }
    // Revalidated on every load (ETag), so a rebuilt console is picked up at once: its file names
    // are the build's (console/build.ts), not hashed.
    sendStatic(req, res, loaded.file, REVALIDATE, SECURITY_HEADERS);
  };
}
