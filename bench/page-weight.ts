// `npm run bench -- page-weight`: bytes over the wire for the GraphiQL page and the console, as a
// browser loads them (Accept-Encoding: br, gzip), on a first visit and on a reload (revalidation),
// against what the server sent before its files were compressed and cached (yoga's inline page).
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { graphiqlOptions } from '../src/http/graphiql.ts';

const get = (url: string, headers: Record<string, string>) =>
  new Promise<{ status: number; etag?: string; bytes: number }>((resolve, reject) => {
    request(url, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, bytes }));
    })
      .on('error', reject)
      .end();
  });

export async function pageWeight() {
  const dir = mkdtempSync(join(tmpdir(), 'page-weight-'));
  const config = loadConfig({ ...process.env, DATABASE_URL: `file:${join(dir, 'bench.db')}`, SEED_DEMO: '1', LOG_LEVEL: 'silent', PASSWORD_HASH_COST: 'test', NODE_ENV: 'test', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123' });
  const app = await buildApp(config);
  const origin = `http://127.0.0.1:${await app.start(0, '127.0.0.1')}`;
  const browser = { accept: 'text/html,*/*', 'accept-encoding': 'gzip, deflate, br' };
  const weigh = async (page: string, files: (html: string) => string[]) => {
    const html = await (await fetch(`${origin}${page}`, { headers: { accept: 'text/html' } })).text();
    const urls = [page, ...files(html)];
    let first = 0;
    let reload = 0;
    for (const url of urls) {
      const answer = await get(`${origin}${url}`, browser);
      first += answer.bytes;
      // A reload revalidates the page (and the console's files); hashed files come from the cache.
      if (url === page || url.startsWith('/console')) reload += (await get(`${origin}${url}`, { ...browser, 'if-none-match': answer.etag ?? '' })).bytes;
    }
    return { first, reload, requests: urls.length };
  };
  const linked = (html: string) => [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map(([, url]) => url!);
  const graphiql = await weigh('/graphql', linked);
  const consolePage = await weigh('/console/', linked);
  const before = Buffer.byteLength(renderGraphiQL(graphiqlOptions(config)));
  console.log(`GraphiQL before: ${before} B on every load (one inline page, uncompressed, no validator)`);
  console.log(`GraphiQL after: first visit ${graphiql.first} B in ${graphiql.requests} requests; reload ${graphiql.reload} B (a 304)`);
  console.log(`console after: first visit ${consolePage.first} B in ${consolePage.requests} requests; reload ${consolePage.reload} B (304s)`);
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
}
