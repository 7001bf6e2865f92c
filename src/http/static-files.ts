// Files the server sends as they are (GraphiQL's and the console's scripts, styles, pages):
// compressed once when first loaded (brotli and gzip), never per request, sent in the encoding
// the browser accepts, with an ETag that a revalidation (If-None-Match) answers with 304.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

export interface StaticFile {
  type: string;
  etag: string;
  /** The content in each encoding: `identity` always, `br` and `gzip` when they make it smaller. */
  bodies: { identity: Buffer; br?: Buffer; gzip?: Buffer };
}

/** Small files gain nothing from compression but a header. */
const COMPRESS_FROM_BYTES = 1024;

/** Cache-Control of a file whose URL names its content's hash: a new build has a new URL. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Cache-Control of a file at a fixed URL: kept, but revalidated by its ETag on every load. */
export const REVALIDATE = 'no-cache';

export const contentHash = (body: Buffer | string) => createHash('sha256').update(body).digest('base64url');

/** Hashes and compresses `body` (off the event loop: zlib runs in the thread pool). */
export async function staticFile(body: Buffer | string, type: string): Promise<StaticFile> {
  const identity = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const bodies: StaticFile['bodies'] = { identity };
  if (identity.length >= COMPRESS_FROM_BYTES && /^(text\/|application\/(json|javascript)|image\/svg)/.test(type)) {
    const [br, gz] = await Promise.all([
      // Brotli quality 5: GraphiQL's 8 MB script in under 2 s, 5 % larger than quality 9 (6 s) and
      // 16 % larger than 11 (a minute); gzip at its default level.
      brotli(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length } }),
      gzipped(identity),
    ]);
    if (br.length < identity.length) bodies.br = br;
    if (gz.length < identity.length) bodies.gzip = gz;
  }
  return { type, etag: `"${contentHash(identity).slice(0, 27)}"`, bodies };
}

/** The encoding to send: br, then gzip, when the request accepts it (and does not refuse it with q=0). */
export function chooseEncoding(acceptEncoding: string | undefined, file: StaticFile): 'br' | 'gzip' | 'identity' {
  const accepted = new Map(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([name]) => name)
      .map(([name, ...params]) => {
        const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
        return [name!.toLowerCase(), q ? Number(q.slice(2)) : 1] as const;
      }),
  );
  const allows = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (file.bodies.br && allows('br')) return 'br';
  if (file.bodies.gzip && allows('gzip')) return 'gzip';
  return 'identity';
}

/** Sends `file` (304 when the request already holds this version), with `headers` besides its own. */
export function sendStatic(req: IncomingMessage, res: ServerResponse, file: StaticFile, cacheControl: string, headers: Record<string, string> = {}): void {
  const common = { ...headers, 'content-type': file.type, 'cache-control': cacheControl, etag: file.etag, vary: 'Accept-Encoding' };
  const held = req.headers['if-none-match'];
  if (held && held.split(',').some((tag) => tag.trim().replace(/^W\//, '') === file.etag)) {
    res.writeHead(304, common).end();
    return;
  }
  const encoding = chooseEncoding(req.headers['accept-encoding'], file);
  const body = file.bodies[encoding]!;
  res.writeHead(200, { ...common, ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }), 'content-length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
