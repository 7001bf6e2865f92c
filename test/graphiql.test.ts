// GraphiQL works with no internet access: the page references nothing outside this server, and
// Debian's Chromium, headless, with every request not to 127.0.0.1 blocked, renders the default
// document and the persona tabs, and runs the analyst's query with its preset X-Dev-User header.
// The run leaves a screenshot in docs/graphiql.png (the README's "GraphiQL" section shows it).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphiqlOptions, START_DOCUMENT } from '../src/http/graphiql.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { CancelRequest, RequestAccess } from './ops.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(import.meta.dirname, '..', 'docs', 'graphiql.png');

let server: TestServer;
let origin: string;
let browser: Browser | undefined;
beforeAll(async () => {
  server = await startTestServer({ SEED_DEMO: '1' });
  origin = `http://127.0.0.1:${await server.app.start(0, '127.0.0.1')}`;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The lines a Monaco editor shows, in order (it positions them absolutely, spaces as U+00A0). */
const linesOf = (page: Page, editor: string) =>
  page.evaluate(
    (selector) =>
      [...document.querySelectorAll<HTMLElement>(`${selector} .view-line`)]
        .map((line) => [parseFloat(line.style.top), (line.textContent ?? '').replaceAll('\u00a0', ' ')] as const)
        .sort((a, b) => a[0] - b[0])
        .map(([, text]) => text),
    editor,
  );

/** GraphiQL at /graphql in a new page of `context`, once its editor shows the start document; the page's errors collected. */
async function openGraphiql(context: BrowserContext) {
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${origin}/graphql`);
  const editor = page.locator('.graphiql-query-editor .view-lines');
  await editor.locator('.view-line', { hasText: 'demo-password' }).waitFor({ timeout: 120_000 });
  return { page, editor, pageErrors };
}

/** The first operation's name of each default tab: what GraphiQL labels the tab with. */
const tabLabels = () =>
  (graphiqlOptions(server.config).defaultTabs ?? []).map(
    (tab) => (parse(tab.query!).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode).name!.value,
  );

/** A raw GET (fetch would decompress): status, headers, the bytes as sent. */
function raw(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = httpRequest(`${origin}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
const BROWSER = { accept: 'text/html', 'accept-encoding': 'gzip, deflate, br, zstd' };

describe('the GraphiQL page', () => {
  it('references only its own server: no CDN script, style, font, worker or icon', async () => {
    const response = await fetch(`${origin}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    // The markup around the inline script: every URL it names is inline or same-origin.
    const markup = html.replace(/(<script[^>]*>)[\s\S]*?(<\/script>)/g, '$1$2');
    const urls = [...markup.matchAll(/\s(?:src|href|action|poster|data)\s*=\s*["']?([^"'\s>]+)/gi)].map(([, url]) => url!);
    expect(urls.filter((url) => !/^(data:|blob:|#|\/(?!\/)|\.)/.test(url))).toEqual([]);
    expect(urls.map((url) => url.replace(/\.[A-Za-z0-9_-]{16}\./, '.<hash>.'))).toEqual(['/graphiql/graphiql.<hash>.ico', '/graphiql/graphiql.<hash>.css', '/graphiql/graphiql.<hash>.js']);
    const styles = await (await fetch(`${origin}${urls[1]}`)).text();
    const cssUrls = [...styles.matchAll(/url\(\s*["']?([^"')]+)/g)].map(([, url]) => url!);
    expect(cssUrls.length).toBeGreaterThan(0);
    expect(cssUrls.filter((url) => !url.startsWith('data:'))).toEqual([]);
    expect(styles).not.toMatch(/@import/);
  });

  it('is sent compressed: the page revalidated by ETag, its files under hashed names cached for a year', async () => {
    const page = await raw('/graphql', BROWSER);
    expect([page.status, page.headers['content-encoding'], page.headers['cache-control'], page.headers.vary]).toEqual([200, 'br', 'no-cache', 'Accept-Encoding']);
    const html = brotliDecompressSync(page.body).toString();
    expect(html).toContain('YogaGraphiQL.renderYogaGraphiQL(');
    const again = await raw('/graphql', { ...BROWSER, 'if-none-match': String(page.headers.etag) });
    expect([again.status, again.body.length]).toEqual([304, 0]);

    const [icon, css, js] = [...html.matchAll(/(?:src|href)="(\/graphiql\/[^"]+)"/g)].map(([, url]) => url!);
    const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
    for (const [path, original, type] of [
      [js!, null, 'text/javascript; charset=utf-8'],
      [css!, bundle.css, 'text/css; charset=utf-8'],
    ] as const) {
      const br = await raw(path, BROWSER);
      expect([path, br.status, br.headers['content-type'], br.headers['content-encoding'], br.headers['cache-control']]).toEqual([
        path,
        200,
        type,
        'br',
        'public, max-age=31536000, immutable',
      ]);
      const gz = await raw(path, { 'accept-encoding': 'gzip' });
      expect([path, gz.headers['content-encoding']]).toEqual([path, 'gzip']);
      const plain = await raw(path);
      expect([path, plain.headers['content-encoding']]).toEqual([path, undefined]);
      expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
      expect(br.body.length).toBeLessThan(plain.body.length / 2);
      // The name is the content's hash.
      expect(path).toContain(`.${createHash('sha256').update(plain.body).digest('base64url').slice(0, 16)}.`);
      if (original) expect(plain.body.toString()).toBe(original);
      else expect(plain.body.toString()).toContain(bundle.js);
      expect((await raw(path, { 'if-none-match': String(br.headers.etag) })).status).toBe(304);
    }
    const ico = await raw(icon!);
    expect([ico.status, ico.headers['content-type'], ico.body.equals(Buffer.from(bundle.favicon.split(',')[1]!, 'base64'))]).toEqual([200, 'image/x-icon', true]);
    expect((await raw('/graphiql/graphiql.0000000000000000.js')).status).toBe(404);
  });

  it('renders in headless Chromium with no network, and runs a persona tab offline', { timeout: 180_000 }, async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const requested: string[] = [];
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      requested.push(url.href);
      if (url.hostname === '127.0.0.1') return route.continue();
      blocked.push(url.href);
      return route.abort('internetdisconnected');
    });
    // The editor shows the default document (Monaco draws the lines in view, spaces as U+00A0).
    const { page, editor, pageErrors } = await openGraphiql(context);
    const shown = await linesOf(page, '.graphiql-query-editor');
    expect(shown.length).toBeGreaterThan(20);
    expect(shown).toEqual(START_DOCUMENT.split('\n').slice(0, shown.length));
    expect(await page.locator('.graphiql-tab').allInnerTexts()).toEqual(tabLabels());

    // The analyst's tab: its preset header acts as the analyst, whose rows are the US only.
    await page.locator('.graphiql-tab', { hasText: 'AnalystRevenue' }).locator('button').first().dispatchEvent('click');
    const queryLine = editor.locator('.view-line', { hasText: 'AnalystRevenue' });
    await queryLine.waitFor();
    await page.locator('.graphiql-editor-tools button', { hasText: 'Headers' }).click();
    await page.locator('.graphiql-editor-tool .view-line', { hasText: 'X-Dev-User' }).waitFor();
    const headers = (await linesOf(page, '.graphiql-editor-tool')).join('\n');
    expect(JSON.parse(headers)).toEqual({ 'X-Dev-User': 'analyst@demo.test' });
    const answered = page.waitForResponse((r) => r.url() === `${origin}/graphql` && r.request().method() === 'POST' && /AnalystRevenue/.test(r.request().postData() ?? ''));
    await queryLine.click({ position: { x: 2, y: 2 } });
    await page.keyboard.press('Control+Enter');
    const result = await (await answered).json();
    expect(result.errors).toBeUndefined();
    const rows = result.data.kpis.edges.flatMap((e: any) => e.node.data.edges.map((d: any) => d.node));
    expect(rows.length).toBe(18);
    expect(new Set(rows.map((r: any) => r.dimensions.find((d: any) => d.dimension === 'region').value))).toEqual(new Set(['US']));
    await page.locator('.graphiql-response .view-line', { hasText: '"RESTRICTED"' }).waitFor();

    await page.keyboard.press('Control+Home');
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    expect(blocked).toEqual([]);
    expect(requested.every((url) => url.startsWith(`${origin}/`))).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('runs a subscription out of the box: signed in within the page, it shows a live approval event', { timeout: 180_000 }, async () => {
    browser ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const { page, editor, pageErrors } = await openGraphiql(context);

    // Sign in as the owner with the start document's Login, and put the token in the Headers tab.
    const loggedIn = page.waitForResponse((r) => r.request().method() === 'POST' && /Login/.test(r.request().postData() ?? ''));
    await editor.locator('.view-line', { hasText: 'login(email' }).click();
    await page.keyboard.press('Control+Enter');
    const token = (await (await loggedIn).json()).data.login.token as string;
    expect(token).toMatch(/^ey/);
    await page.locator('.graphiql-editor-tools button', { hasText: 'Headers' }).click();
    await page.locator('.graphiql-editor-tool .monaco-editor').filter({ visible: true }).click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));

    // Run LiveApprovals: GraphiQL sends it as a GET over SSE, with the Headers tab and nothing else.
    // Monaco draws only the lines in view: LiveApprovals is near the end of the document.
    await editor.locator('.view-line', { hasText: 'login(email' }).click();
    await page.keyboard.press('Control+End');
    await editor.locator('.view-line', { hasText: 'subscription LiveApprovals' }).waitFor();
    const subscribed = page.waitForRequest((r) => r.method() === 'GET' && r.url().includes('LiveApprovals'));
    await editor.locator('.view-line', { hasText: 'subscription LiveApprovals' }).click();
    await page.keyboard.press('Control+Enter');
    const stream = await subscribed;
    expect(stream.headers()).toMatchObject({ accept: 'text/event-stream', authorization: `Bearer ${token}` });
    expect(stream.headers()['x-graphql-yoga-csrf']).toBeUndefined();

    // The analyst asks for EMEA (through HTTP) until the result pane shows the event.
    const shown = page.locator('.graphiql-response', { hasText: 'ACCESS_SCOPE' });
    for (let attempt = 0; attempt < 30 && !(await shown.isVisible()); attempt++) {
      const asked = await server.gql(RequestAccess, { dimension: 'region', value: 'EMEA', justification: 'Q3 review in GraphiQL' }, { as: 'analyst@demo.test' });
      expect(asked.errors).toBeUndefined();
      await shown.waitFor({ timeout: 1_000 }).catch(() => {});
      expect((await server.gql(CancelRequest, { id: asked.data!.requestAccess!.id }, { as: 'analyst@demo.test' })).errors).toBeUndefined();
    }
    const result = (await linesOf(page, '.graphiql-response')).join('\n');
    expect(result).toContain('"approvalEvents"');
    expect(result).toContain('"kind": "ACCESS_SCOPE"');
    expect(result).not.toContain('CSRF');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
