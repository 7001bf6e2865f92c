// GraphiQL works with no internet access: the page references nothing outside this server, and
// Debian's Chromium, headless, with every request not to 127.0.0.1 blocked, renders the default
// document and the persona tabs, and runs the analyst's query with its preset X-Dev-User header.
// The run leaves a screenshot in docs/graphiql.png (the README's "GraphiQL" section shows it).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphiqlOptions, START_DOCUMENT } from '../src/http/graphiql.ts';
import { startTestServer, type TestServer } from './harness.ts';

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

/** The first operation's name of each default tab: what GraphiQL labels the tab with. */
const tabLabels = () =>
  (graphiqlOptions(server.config).defaultTabs ?? []).map(
    (tab) => (parse(tab.query!).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode).name!.value,
  );

describe('the GraphiQL page', () => {
  it('references only its own server: no CDN script, style, font, worker or icon', async () => {
    const response = await fetch(`${origin}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    // The markup around the inline script and style: every URL it names is inline or same-origin.
    const markup = html.replace(/(<script[^>]*>)[\s\S]*?(<\/script>)/g, '$1$2').replace(/(<style[^>]*>)[\s\S]*?(<\/style>)/g, '$1$2');
    const urls = [...markup.matchAll(/\s(?:src|href|action|poster|data)\s*=\s*["']?([^"'\s>]+)/gi)].map(([, url]) => url!);
    expect(urls.filter((url) => !/^(data:|blob:|#|\/(?!\/)|\.)/.test(url))).toEqual([]);
    expect(markup).not.toMatch(/<script[^>]+src=/);
    const styles = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map(([, css]) => css!).join('\n');
    const cssUrls = [...styles.matchAll(/url\(\s*["']?([^"')]+)/g)].map(([, url]) => url!);
    expect(cssUrls.length).toBeGreaterThan(0);
    expect(cssUrls.filter((url) => !url.startsWith('data:'))).toEqual([]);
    expect(styles).not.toMatch(/@import/);
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
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/graphql`);

    // The editor shows the default document (Monaco draws the lines in view, spaces as U+00A0).
    const editor = page.locator('.graphiql-query-editor .view-lines');
    await editor.locator('.view-line', { hasText: 'demo-password' }).waitFor({ timeout: 120_000 });
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
});
