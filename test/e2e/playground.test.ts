/**
 * The playground in a real browser, as a doctor on call would use it: Debian's Chromium driven by
 * playwright-core (never a downloaded browser), the server started in-process on loopback. Asks
 * for a child's dose, checks the computed dose and its source are on screen, follows a next-step
 * button, switches to English, looks at the Teams card and Slack blocks, then does it again on a
 * phone-sized screen. Screenshots go to test-artifacts/ (gitignored).
 *
 * CI installs Chromium (.ci/run); where /usr/bin/chromium is absent the suite is skipped, saying so.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, startTestServer, type TestServer } from '../server/serverHarness.js';

const CHROMIUM = '/usr/bin/chromium';

/** The few browser globals the page functions use: the project compiles without the DOM library. */
interface BrowserGlobals {
  getComputedStyle(element: unknown): { backgroundColor: string };
  document: {
    documentElement: { scrollWidth: number };
    getElementById(id: string): { complete?: boolean } | null;
  };
}
const hasChromium = existsSync(CHROMIUM);
const artifacts = join(root, 'test-artifacts');

if (!hasChromium) {
  console.warn(`test/e2e/playground.test.ts skipped: ${CHROMIUM} not found (install it: apt-get install -y chromium; CI does)`);
}

describe.skipIf(!hasChromium)(`the playground in Chromium${hasChromium ? '' : ` (skipped: ${CHROMIUM} not found)`}`, () => {
  let server: TestServer;
  let browser: Browser;
  /** What the page did that it should not: script errors, console errors, requests beyond this server. */
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startTestServer('e2e');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(viewport: { width: number; height: number }, options: { isMobile?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'it-IT', ...(options.isMobile ? { isMobile: true, hasTouch: true } : {}) });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    // No external network: anything not addressed to our server is refused and recorded.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url) || url.startsWith('data:')) return route.continue();
      problems.push(`external request: ${url}`);
      return route.abort();
    });
    await page.goto(`${server.url}/`);
    // The assistant introduces itself with what it covers before the first question.
    await page.locator('.reply.kind-menu').first().waitFor();
    return page;
  }

  async function ask(page: Page, question: string): Promise<void> {
    const before = await page.locator('.reply').count();
    await page.locator('#message').fill(question);
    await page.locator('#message').press('Enter');
    await page.locator('.reply').nth(before).waitFor();
  }

  it('answers "neridronato bambino 18 kg" with the dose, the rule, the caution and the source; a button leads on', async () => {
    const page = await open({ width: 1280, height: 900 });
    await ask(page, 'neridronato bambino 18 kg');

    const dose = page.locator('.reply.kind-dose').last();
    await expect(dose.locator('dl.facts').first().textContent()).resolves.toContain('36 mg');
    await expect(dose.textContent()).resolves.toContain('2 mg/kg × 18 kg = 36 mg');
    const citation = await dose.locator('.citation').first().textContent();
    expect(citation).toMatch(/^Fonte: PDTA § 4\. Criteri terapeutici › Tabella delle terapie \(RCO230/);
    // The PDTA's ambiguity is shown as a caution, visibly set apart.
    const warning = dose.locator('.warning').first();
    expect(await warning.isVisible()).toBe(true);
    const background = await warning.evaluate((el) => (globalThis as unknown as BrowserGlobals).getComputedStyle(el).backgroundColor);
    expect(background).toMatch(/^rgb/);
    expect(background).not.toBe('rgba(0, 0, 0, 0)');

    // Beside the chat: the same reply as Teams draws it, and as Slack blocks.
    const card = page.locator('#teams-cards .ac-adaptiveCard').first();
    await card.waitFor();
    expect(await card.textContent()).toContain('36 mg');
    await page.locator('#tab-slack').click();
    const slack = JSON.parse((await page.locator('#slack-json').textContent()) ?? '') as { blocks: unknown[] };
    expect(slack.blocks.length).toBeGreaterThan(0);
    expect(JSON.stringify(slack.blocks)).toContain('36 mg');

    // The next step, one click away: the adult dose.
    const replies = await page.locator('.reply').count();
    await dose.getByRole('button', { name: 'Dose adulto' }).click();
    const next = page.locator('.reply').nth(replies);
    await next.waitFor();
    expect(await page.locator('.turn.user').last().textContent()).toBe('Dose adulto');
    expect(await next.getAttribute('data-kind')).toBe('dose');
    expect(await next.textContent()).toContain('100 mg/3 mesi per via e.v.');
    expect(await next.textContent()).toContain('Neridronato · Adulto');

    // A button on the Teams card works the same way.
    await page.locator('#tab-teams').click();
    const beforeCard = await page.locator('.reply').count();
    await page.locator('#teams-cards .ac-pushButton', { hasText: 'Follow-up' }).first().click();
    await page.locator('.reply').nth(beforeCard).waitFor();
    expect(await page.locator('.turn.user').last().textContent()).toBe('Follow-up');

    // The pathway picture draws.
    await page.locator('#tab-pathway').click();
    const img = page.locator('#pathway-img');
    await img.waitFor();
    await page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).document.getElementById('pathway-img')?.complete === true);
    expect(await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(600);

    await page.screenshot({ path: join(artifacts, 'playground-desktop.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('switches to English: the interface, and the answers', async () => {
    const page = await open({ width: 1280, height: 900 });
    await page.locator('#lang').selectOption('en');
    expect(await page.locator('#send').textContent()).toBe('Send');
    await ask(page, 'neridronato bambino 18 kg');
    const dose = page.locator('.reply.kind-dose').last();
    expect(await dose.textContent()).toContain('Computed dose');
    expect(await dose.locator('.citation').first().textContent()).toMatch(/^Source: PDTA § 4\. Therapeutic criteria/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('works on a 360 px phone screen: nothing wider than the screen, buttons tappable', async () => {
    const page = await open({ width: 360, height: 740 }, { isMobile: true });
    await ask(page, 'neridronato bambino 18 kg');
    const dose = page.locator('.reply.kind-dose').last();
    expect(await dose.textContent()).toContain('36 mg');
    const width = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
    const button = dose.getByRole('button', { name: 'Follow-up' });
    const box = await button.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(32);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(360);
    await dose.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, 'playground-phone.png') });
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
