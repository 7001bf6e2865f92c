// The approvals console end to end, in a real browser (Debian's Chromium through playwright-core,
// no browser download): the demo seed's KPI story walked by three people at once. The analyst asks
// for EMEA in "My access"; the manager's console, already open, shows the request without a
// reload and approves it; the owner, whose live events are held back, tries too and is told that
// someone decided first; the analyst's view then shows EMEA rows. Screenshots go to docs/.
// Chromium that cannot start fails this file: it never skips.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { buildSchema, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../console/build.ts';
import { startTestServer, type TestServer } from './harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = resolve(import.meta.dirname, '..', process.env.CONSOLE_SCREENSHOT_DIR ?? 'docs');
const WAIT = { timeout: 15_000 };

let server: TestServer;
let browser: Promise<Browser> | undefined;
let origin: string;
/** Requests a page made to anywhere but the server under test: the console must make none. */
const foreignRequests: string[] = [];
/** JavaScript errors and console errors (a CSP violation is one) of every page. */
const pageErrors: string[] = [];
const contexts: BrowserContext[] = [];
/** Every page opened, by whose it is: a failing test leaves their screenshots behind. */
const pages = new Map<string, Page>();

beforeAll(async () => {
  await buildConsole();
  server = await startTestServer({ SEED_DEMO: '1' });
  const port = await server.app.start(0, '127.0.0.1');
  origin = `http://127.0.0.1:${port}`;
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);

afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail') return;
  const dir = join(tmpdir(), 'console-test-failure');
  mkdirSync(dir, { recursive: true });
  for (const [who, page] of pages) await page.screenshot({ path: join(dir, `${who}.png`), fullPage: true }).catch(() => {});
  console.error(`console test failed: screenshots of every page in ${dir}; page errors: ${JSON.stringify(pageErrors)}`);
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  await (await browser?.catch(() => null))?.close();
  await server?.close();
});

/**
 * Chromium, started by the first test that needs it: when it cannot start, every test fails with
 * the reason (a hook's failure would only mark them skipped).
 */
const launched = () =>
  (browser ??= chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  }));

/** A new browser context on the console of `at` (the shared server unless told), at `path`. */
async function openConsole(who: string, at = origin, path = '/console/'): Promise<Page> {
  const context = await (await launched()).newContext({ viewport: { width: 1100, height: 860 }, deviceScaleFactor: 1 });
  contexts.push(context);
  // Nothing but the server under test: anything else is recorded and refused (as offline).
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(at)) return route.continue();
    foreignRequests.push(`${who}: ${url}`);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  pages.set(who, page);
  page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`${who}: ${message.text()}`);
  });
  await page.goto(`${at}${path}`);
  return page;
}

async function actAs(page: Page, email: string) {
  await page.getByLabel('Persona', { exact: true }).selectOption(email);
  await page.getByRole('button', { name: 'Act as this persona' }).click();
  await page.getByText('Live updates: on').waitFor(WAIT);
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations of the page as it is now (WCAG 2.x A/AA and best
 * practice), as "rule: target" lines; none is expected.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    (window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ passes: unknown[]; violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    }),
  );
  // axe ran its checks on this page (a run that checked nothing would find nothing).
  expect(result.passes.length).toBeGreaterThan(10);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
}

/** Every camelCase name of the API (fields, arguments, input fields): none belongs in text meant for people. */
const API_NAMES = (() => {
  const schema = buildSchema(readFileSync(resolve(import.meta.dirname, '..', 'schema.graphql'), 'utf8'));
  const names = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type))
      for (const field of Object.values(type.getFields())) {
        names.add(field.name);
        for (const arg of field.args) names.add(arg.name);
      }
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) names.add(field.name);
  }
  return [...names].filter((n) => /[a-z][A-Z]/.test(n));
})();
/** The API names a page shows to people (its visible text). */
const apiNamesShown = async (page: Page) => {
  const text = await page.locator('body').innerText();
  return API_NAMES.filter((name) => new RegExp(`\\b${name}\\b`).test(text));
};

const requestCard = (page: Page, value: string) => page.getByRole('article', { name: new RegExp(`^Access scope: .*region=${value}\\b`) });
const revenueRows = (page: Page) => page.getByRole('table', { name: /rows of Monthly revenue you may see/ });
/** A block's visible text, one line per line of text (paragraph gaps dropped). */
const textOf = async (locator: Locator) => (await locator.innerText()).replace(/\n+/g, '\n').trim();
/** The region column of the analyst's visible revenue rows. */
const regionsShown = async (page: Page) =>
  [...new Set(await revenueRows(page).locator('tbody tr td:nth-child(2)').allTextContents())].sort();

describe('approvals console in Chromium', () => {
  it('walks the KPI access story live: request EMEA, approve in the open console, EMEA rows appear; a late decision is a CONFLICT', { timeout: 60_000 }, async () => {
    // The manager signs in with the password form, by keyboard only.
    const manager = await openConsole('manager');
    await manager.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    expect(await manager.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('email');
    await manager.keyboard.type('manager@demo.test');
    await manager.keyboard.press('Tab');
    await manager.keyboard.type('demo-password-2026');
    await manager.keyboard.press('Enter');
    await manager.getByText('Live updates: on').waitFor(WAIT);
    await manager.getByText('Nothing is waiting for your decision.').waitFor(WAIT);
    expect(await manager.getByText(/Signed in as/).textContent()).toBe('Signed in as Manny Manager (manager@demo.test), EDITOR in Demo Corp');

    // The owner's console gets its live events through a gate the test can close.
    const owner = await openConsole('owner');
    let holdEvents = false;
    await owner.routeWebSocket(/\/graphql$/, (ws) => {
      const upstream = ws.connectToServer();
      ws.onMessage((message) => upstream.send(message));
      upstream.onMessage((message) => {
        if (!(holdEvents && String(message).includes('"type":"next"'))) ws.send(message);
      });
    });
    await actAs(owner, 'owner@demo.test');

    // The analyst sees revenue for the US only, and asks for EMEA.
    const analyst = await openConsole('analyst');
    await actAs(analyst, 'analyst@demo.test');
    // A VIEWER, who may decide nothing, lands on their own access: no inbox, no refusal.
    await analyst.getByTestId('revenue-row-count').filter({ hasText: /^18$/ }).waitFor(WAIT);
    expect(await analyst.locator('main h2').first().innerText()).toBe('My access');
    expect(await analyst.getByRole('navigation', { name: 'Sections' }).getByRole('button').allInnerTexts()).toEqual(['My requests', 'My access', 'Dashboard']);
    expect(await analyst.getByRole('alert').count()).toBe(0);
    expect(await apiNamesShown(analyst)).toEqual([]);
    // The form says what an empty end asks for: the organization's longest window (90 days).
    expect(await analyst.getByLabel('Ends (optional, your local time)').evaluate((el) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent)).toBe(
      'Leave Ends empty to ask for the longest this organization grants: 90 days from the start. An end further away is refused.',
    );
    expect(await seriousViolations(analyst)).toEqual([]);
    expect(await regionsShown(analyst)).toEqual(['US']);
    expect(await analyst.getByRole('table', { name: /Dimension values whose rows/ }).locator('tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/^Product\t\* \(every value\)\tfrom .*\tyes$/),
      expect.stringMatching(/^Region\tUS\tfrom .*\tyes$/),
    ]);
    await analyst.getByLabel('Dimension', { exact: true }).selectOption('region');
    await analyst.getByLabel('Value', { exact: true }).selectOption('EMEA');
    await analyst.getByLabel('Justification', { exact: true }).fill('Q3 review');
    await analyst.getByRole('button', { name: 'Request access' }).click();
    const sent = analyst.getByText(/^Requested Region = EMEA, /);
    await sent.waitFor(WAIT);
    // Ends was left empty: the request ends 90 days after it was made, and says so.
    const asked = (await server.raw({ query: '{ approvalRequests(status: PENDING) { edges { node { createdAt startsAt endsAt } } } }' }, { as: 'analyst@demo.test' })).data.approvalRequests.edges[0].node;
    expect(asked.startsAt).toBeNull();
    // (The server reads its clock for the window a few milliseconds before it stamps createdAt.)
    expect(Math.round((Date.parse(asked.endsAt) - Date.parse(asked.createdAt)) / 60_000)).toBe(90 * 24 * 60);
    const requested = `Requested Region = EMEA, from approval, until ${asked.endsAt.slice(0, 16).replace('T', ' ')} UTC`;
    expect(await sent.innerText()).toBe(`${requested}: waiting for a decision.`);
    expect(await analyst.getByRole('button', { name: 'My requests (1 waiting)' }).count()).toBe(1);

    // The manager's open console shows it, without a reload: kind, summary, requester, age.
    const card = requestCard(manager, 'EMEA');
    await card.waitFor(WAIT);
    const facts = await card.locator('dl').innerText();
    expect(facts).toContain('Kind\nAccess scope');
    // An EDITOR who approves sees the requester as the API shows them to an EDITOR: by email only.
    expect(facts).toContain('Requested by\nanalyst@demo.test\n');
    expect(facts).toContain('Waiting\njust now');
    expect(facts).toContain('Justification\nQ3 review');
    expect(await manager.getByRole('button', { name: 'Inbox (1)' }).count()).toBe(1);
    await manager.screenshot({ path: join(SCREENSHOTS, 'console-inbox.png') });

    // The owner sees it too; then the owner's live events are held back, and the manager approves.
    const ownersCard = requestCard(owner, 'EMEA');
    await ownersCard.waitFor(WAIT);
    holdEvents = true;
    const approve = card.getByRole('button', { name: 'Approve' });
    await approve.focus();
    await manager.keyboard.press('Enter');
    await card.getByText('You approved this request.').waitFor(WAIT);
    // The buttons went with the decision: keyboard focus is on what happened, inside the card.
    await manager.waitForFunction(() => document.activeElement?.className === 'outcome-box', undefined, WAIT);
    expect(await card.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    // Its status and times now say what happened: approved, and no longer waiting.
    const decidedFacts = await card.locator('dl').innerText();
    expect(decidedFacts).toContain('Status\nApproved by Manny Manager (manager@demo.test)');
    expect(decidedFacts).toMatch(/\nRequested\njust now\nDecided\njust now\n/);
    expect(decidedFacts).not.toContain('Waiting');
    expect(await seriousViolations(manager)).toEqual([]);

    // The owner, who has not heard, approves too: told someone else decided first, with the rule.
    await ownersCard.getByRole('button', { name: 'Approve' }).click();
    const conflict = ownersCard.getByRole('alert');
    await conflict.waitFor(WAIT);
    expect(await textOf(conflict)).toMatch(/^Already decided: someone else decided this request before you\. This request is already APPROVED; nothing was changed\.\nRule: approvals\.decided-once$/);
    await ownersCard.getByText('Approved by Manny Manager (manager@demo.test)').waitFor(WAIT);
    await owner.screenshot({ path: join(SCREENSHOTS, 'console-conflict.png') });

    // The analyst's view, without a reload, now shows EMEA rows and the new scope.
    await analyst.getByTestId('revenue-row-count').filter({ hasText: /^36$/ }).waitFor(WAIT);
    expect(await regionsShown(analyst)).toEqual(['EMEA', 'US']);
    await analyst.getByRole('table', { name: /Dimension values whose rows/ }).getByRole('cell', { name: 'EMEA', exact: true }).waitFor(WAIT);
    // What the form sent says what became of it.
    expect(await sent.innerText()).toBe(`${requested}: approved.`);
    await analyst.screenshot({ path: join(SCREENSHOTS, 'console-my-access.png'), fullPage: true });
    await analyst.getByRole('button', { name: 'My requests' }).click();
    // A VIEWER sees other members by email only, as the API returns them.
    const ownFacts = await requestCard(analyst, 'EMEA').locator('dl').innerText();
    expect(ownFacts).toContain('Status\nApproved by manager@demo.test');
    expect(ownFacts).not.toContain('Waiting');
    expect(await apiNamesShown(analyst)).toEqual([]);
    expect(await seriousViolations(analyst)).toEqual([]);

    // A rejection needs a reason, and the requester sees it live.
    holdEvents = false;
    await analyst.getByRole('button', { name: 'My access' }).click();
    await analyst.getByLabel('Dimension', { exact: true }).selectOption('region');
    await analyst.getByLabel('Value', { exact: true }).selectOption('APAC');
    await analyst.getByLabel('Justification', { exact: true }).fill('Expansion plan');
    await analyst.getByRole('button', { name: 'Request access' }).click();
    await analyst.getByText(/^Requested Region = APAC, from approval, until .* UTC: waiting for a decision\.$/).waitFor(WAIT);
    const apac = requestCard(owner, 'APAC');
    await apac.waitFor(WAIT);
    await apac.getByRole('button', { name: 'Reject' }).click();
    await apac.getByText('Give a reason to reject: the requester sees it.').waitFor(WAIT);
    expect(await owner.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await owner.keyboard.type('Not this quarter');
    await apac.getByRole('button', { name: 'Reject' }).click();
    await apac.getByText('You rejected this request.').waitFor(WAIT);
    await analyst.getByRole('button', { name: 'My requests' }).click();
    await requestCard(analyst, 'APAC').getByText('Rejected', { exact: true }).waitFor(WAIT);
    expect(await requestCard(analyst, 'APAC').locator('dl').innerText()).toContain('Status\nRejected by owner@demo.test: “Not this quarter”');

    // Signing out revokes the manager's token on the server and forgets it in the tab.
    const token = await manager.evaluate(() => JSON.parse(sessionStorage.getItem('governance-console.session') ?? '{}').token as string);
    expect((await server.raw({ query: '{ me { user { email } } }' }, { token })).data).toEqual({ me: { user: { email: 'manager@demo.test' } } });
    await manager.getByRole('button', { name: 'Sign out' }).click();
    await manager.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    expect(await manager.evaluate(() => sessionStorage.length)).toBe(0);
    expect((await server.raw({ query: '{ me { user { email } } }' }, { token })).errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);

    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('lets a member of two organizations pick one, and shows a refusal with its code, reason, next step and rule', { timeout: 30_000 }, async () => {
    await server.seedOrg('Side Project', [{ email: 'owner@demo.test', role: 'VIEWER' }]);
    const owner = await openConsole('owner-two-orgs');
    await owner.getByLabel('Persona', { exact: true }).selectOption('owner@demo.test');
    await owner.getByRole('button', { name: 'Act as this persona' }).click();
    await owner.getByRole('heading', { name: 'Choose an organization' }).waitFor(WAIT);
    await owner.getByRole('button', { name: 'Demo Corp (OWNER)' }).click();
    await owner.getByText('Live updates: on').waitFor(WAIT);
    expect(await owner.getByText(/Signed in as/).textContent()).toBe('Signed in as Olivia Owner (owner@demo.test), OWNER in Demo Corp');

    // An owner may not ask for a scope: the console shows the API's refusal as it came.
    await owner.getByRole('button', { name: 'My access' }).click();
    await owner.getByLabel('Justification', { exact: true }).fill('curious');
    await owner.getByRole('button', { name: 'Request access' }).click();
    const alert = owner.getByRole('alert').filter({ hasText: 'The request was not sent' });
    await alert.waitFor(WAIT);
    expect(await textOf(alert)).toBe(
      [
        'The request was not sent',
        'FORBIDDEN Permission to request a KPI access scope belongs to the VIEWER and EDITOR roles only; your role here is OWNER, which does not need it: there is nothing to ask anyone for.',
        'Rule: kpis.requestAccess',
      ].join('\n'),
    );

    // The other organization, from the header: every request now names it (X-Organization-Id).
    await owner.getByLabel('Organization', { exact: true }).selectOption({ label: 'Side Project (VIEWER)' });
    await owner.getByText('Signed in as Olivia Owner (owner@demo.test), VIEWER in Side Project').waitFor(WAIT);
    await owner.getByText('Live updates: on').waitFor(WAIT);
    expect(pageErrors).toEqual([]);
  });
});

describe('dashboard in Chromium', () => {
  // A server of its own: the story starts from the demo as seeded (the analyst sees US only).
  let dashboard: TestServer;
  let at: string;
  beforeAll(async () => {
    dashboard = await startTestServer({ SEED_DEMO: '1' });
    at = `http://127.0.0.1:${await dashboard.app.start(0, '127.0.0.1')}`;
  }, 60_000);
  afterAll(async () => {
    await dashboard?.close();
  });

  const panel = (page: Page) => page.getByTestId('dashboard-revenue');
  /** The column heads of the monthly chart's table: the groups the line chart draws. */
  const monthlyColumns = (page: Page) => panel(page).getByTestId('revenue-monthly-table').locator('thead th').allTextContents();
  const topRows = (page: Page) => panel(page).getByTestId('revenue-top-table').locator('tbody tr').allInnerTexts();

  it('charts what each viewer may see: the analyst asks for EMEA, the manager approves, the chart gains EMEA live; the persona switch shows the same dashboard', { timeout: 90_000 }, async () => {
    const analyst = await openConsole('dashboard-analyst', at, '/console/#dashboard');
    await actAs(analyst, 'analyst@demo.test');
    await panel(analyst).getByTestId('revenue-monthly-table').waitFor({ ...WAIT, state: 'attached' });
    expect(await analyst.locator('main h2').first().innerText()).toBe('Dashboard');
    // US only, and the badge says which scopes make it so.
    expect(await monthlyColumns(analyst)).toEqual(['Month', 'US']);
    expect(await panel(analyst).getByTestId('revenue-scopes').innerText()).toBe('Shown for your scopes: Region: US; Product: every value');
    expect(await topRows(analyst)).toEqual(['US\t499,500\t18']);
    // Every chart is an image described in words, its figures in a table beside it.
    const charts = panel(analyst).getByRole('img');
    expect(await charts.count()).toBe(2);
    expect(await charts.nth(1).getAttribute('aria-label')).toMatch(/^Line chart: Monthly revenue by month, by Region, \w{3} \d{4} to \w{3} \d{4}, one line per Region \(US\)\. The table below gives every figure\.$/);
    expect(await charts.nth(0).getAttribute('aria-label')).toMatch(/^Bar chart: Top 5 by Region, all months of Monthly revenue, largest first: US 499,500 USD\.$/);
    expect(await panel(analyst).locator('canvas').count()).toBeGreaterThanOrEqual(2);
    // The demo's rows end in June 2026: the tile shows the latest month, and says it is not this one.
    expect(await textOf(panel(analyst).getByTestId('revenue-target'))).toBe('Latest month (Jun 2026) against target\n94,500 USD\nTarget 120,000 USD: 79% of it. No row this month yet.');
    // The viewer picks the split: by product, the same rows in three lines.
    await panel(analyst).getByLabel('Split by').selectOption('product');
    await analyst.waitForFunction(() => document.querySelector('[data-testid="revenue-monthly-table"] thead')?.textContent?.includes('Cloud'), undefined, WAIT);
    expect(await monthlyColumns(analyst)).toEqual(['Month', 'Cloud', 'Core', 'Support']);
    await panel(analyst).getByLabel('Split by').selectOption('region');
    await analyst.waitForFunction(() => document.querySelector('[data-testid="revenue-monthly-table"] thead')?.textContent?.includes('US'), undefined, WAIT);
    expect(await seriousViolations(analyst)).toEqual([]);
    await analyst.screenshot({ path: join(SCREENSHOTS, 'console-dashboard-analyst.png'), fullPage: true });

    // The analyst asks for EMEA, then goes back to the dashboard; the page is never reloaded.
    await analyst.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await analyst.getByRole('button', { name: 'My access' }).click();
    await analyst.getByLabel('Dimension', { exact: true }).selectOption('region');
    await analyst.getByLabel('Value', { exact: true }).selectOption('EMEA');
    await analyst.getByLabel('Justification', { exact: true }).fill('Q3 review');
    await analyst.getByRole('button', { name: 'Request access' }).click();
    await analyst.getByText(/^Requested Region = EMEA, /).waitFor(WAIT);
    await analyst.getByRole('button', { name: 'Dashboard' }).click();
    await panel(analyst).getByTestId('revenue-monthly-table').waitFor({ ...WAIT, state: 'attached' });
    expect(await monthlyColumns(analyst)).toEqual(['Month', 'US']);

    // The manager approves in their inbox.
    const manager = await openConsole('dashboard-manager', at);
    await actAs(manager, 'manager@demo.test');
    const card = requestCard(manager, 'EMEA');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.getByText('You approved this request.').waitFor(WAIT);

    // The analyst's chart gains EMEA: the approval's live event makes the dashboard ask again.
    await analyst.waitForFunction(() => document.querySelector('[data-testid="revenue-monthly-table"] thead')?.textContent?.includes('EMEA'), undefined, WAIT);
    expect(await monthlyColumns(analyst)).toEqual(['Month', 'EMEA', 'US']);
    expect(await panel(analyst).getByTestId('revenue-scopes').innerText()).toBe('Shown for your scopes: Region: EMEA, US; Product: every value');
    expect(await topRows(analyst)).toEqual(['EMEA\t661,500\t18', 'US\t499,500\t18']);
    expect(await analyst.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await seriousViolations(analyst)).toEqual([]);

    await analyst.screenshot({ path: join(SCREENSHOTS, 'console-dashboard-analyst-emea.png'), fullPage: true });

    // Development: the persona switch keeps the dashboard and shows it as each persona sees it. The
    // demo's manager sees revenue for EMEA only, the region they approve.
    await analyst.getByLabel('Act as (development)').selectOption('manager@demo.test');
    await analyst.getByText('Signed in as Manny Manager (manager@demo.test), EDITOR in Demo Corp').waitFor(WAIT);
    await expect.poll(() => monthlyColumns(analyst), { timeout: 15_000 }).toEqual(['Month', 'EMEA']);
    expect(await panel(analyst).getByTestId('revenue-scopes').innerText()).toContain('Region: EMEA');
    expect(await analyst.locator('main h2').first().innerText()).toBe('Dashboard');
    await analyst.screenshot({ path: join(SCREENSHOTS, 'console-dashboard-manager.png'), fullPage: true });
    expect(await seriousViolations(analyst)).toEqual([]);
    // The owner sees every row: no scope shapes the charts.
    await analyst.getByLabel('Act as (development)').selectOption('owner@demo.test');
    await analyst.getByText('Signed in as Olivia Owner (owner@demo.test), OWNER in Demo Corp').waitFor(WAIT);
    await panel(analyst).getByTestId('revenue-monthly-table').waitFor({ ...WAIT, state: 'attached' });
    expect(await analyst.locator('main h2').first().innerText()).toBe('Dashboard');
    expect(await monthlyColumns(analyst)).toEqual(['Month', 'APAC', 'EMEA', 'LATAM', 'US']);
    expect(await panel(analyst).getByTestId('revenue-scopes').count()).toBe(0);
    expect(await topRows(analyst)).toEqual(['LATAM\t985,500\t18', 'APAC\t823,500\t18', 'EMEA\t661,500\t18', 'US\t499,500\t18']);
    expect(await seriousViolations(analyst)).toEqual([]);
    await analyst.screenshot({ path: join(SCREENSHOTS, 'console-dashboard-owner.png'), fullPage: true });

    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
