/**
 * The playground in a real browser, as a doctor on call would use it: Debian's Chromium driven by
 * playwright-core (never a downloaded browser), the server started in-process on loopback. Asks
 * for a child's dose, checks the computed dose and its source are on screen, follows a next-step
 * button, switches to English, looks at the Teams card and Slack blocks, then does it again on a
 * phone-sized screen. Screenshots go to test-artifacts/ (gitignored).
 *
 * CI installs Chromium (.ci/run); where /usr/bin/chromium is absent the suite is skipped, saying so.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

  async function open(viewport: { width: number; height: number }, options: { isMobile?: boolean; bypassCSP?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport,
      locale: 'it-IT',
      ...(options.isMobile ? { isMobile: true, hasTouch: true } : {}),
      // Only to inject axe-core: the page's own policy allows no script but its own.
      ...(options.bypassCSP ? { bypassCSP: true } : {}),
    });
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

  it('on a 390×844 phone, a reply is shown from its first line, not scrolled past it', async () => {
    const page = await open({ width: 390, height: 844 }, { isMobile: true });
    for (const question of ['differenza con la tendinite calcifica?', 'neridronato bambino 18 kg']) {
      const before = await page.locator('.reply').count();
      await ask(page, question);
      const reply = page.locator('.reply').nth(before);
      const top = await reply.boundingBox();
      expect(top, question).not.toBeNull();
      // The reply's top (its kind and first line) is on screen, below the header's edge.
      expect(top!.y, question).toBeGreaterThanOrEqual(0);
      expect(top!.y + 40, question).toBeLessThanOrEqual(844);
    }
    expect(await page.locator('.reply').last().textContent()).toContain('36 mg');
    // The header fits one row on a phone, and the input's placeholder is not clipped.
    const header = await page.locator('header.top').boundingBox();
    expect(header!.height).toBeLessThanOrEqual(64);
    const placeholderFits = await page.locator('#message').evaluate((node) => {
      const t = node as unknown as { scrollWidth: number; clientWidth: number };
      return t.scrollWidth <= t.clientWidth;
    });
    expect(placeholderFits).toBe(true);
    await page.screenshot({ path: join(artifacts, 'playground-phone-390.png') });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('every tab is reached and shown from the keyboard (WAI-ARIA tabs)', async () => {
    const page = await open({ width: 1280, height: 900 });
    await ask(page, 'neridronato bambino 18 kg');
    await page.locator('#tab-teams').focus();
    const selected = async (): Promise<string | null> => page.locator('[role=tab][aria-selected=true]').getAttribute('id');
    const focused = async (): Promise<string | null> => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id ?? null);
    await page.keyboard.press('ArrowRight');
    expect([await selected(), await focused()]).toEqual(['tab-slack', 'tab-slack']);
    expect(await page.locator('#panel-slack').isVisible()).toBe(true);
    // The Slack tab lays the blocks out as Slack would, with the JSON behind a toggle.
    expect(await page.locator('#slack-view .sk-message').first().textContent()).toContain('36 mg');
    expect(await page.locator('#slack-json').isVisible()).toBe(false);
    await page.locator('details.slack-json summary').click();
    expect(await page.locator('#slack-json').isVisible()).toBe(true);
    await page.locator('#tab-slack').focus();
    await page.keyboard.press('ArrowRight');
    expect([await selected(), await focused()]).toEqual(['tab-pathway', 'tab-pathway']);
    await page.keyboard.press('ArrowRight');
    expect(await selected()).toBe('tab-teams');
    await page.keyboard.press('End');
    expect(await selected()).toBe('tab-pathway');
    await page.keyboard.press('Home');
    expect(await selected()).toBe('tab-teams');
    await page.keyboard.press('ArrowLeft');
    expect(await selected()).toBe('tab-pathway');
    // One tab stop for the tab list: the selected tab.
    expect(await page.locator('[role=tab][tabindex="0"]').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('says so when a message is empty or too long, instead of cutting it silently', async () => {
    const page = await open({ width: 1280, height: 900 });
    const replies = await page.locator('.reply').count();
    await page.locator('#message').press('Enter');
    expect(await page.locator('#composer-note').textContent()).toContain('Scrivi prima una domanda');
    await page.locator('#message').fill('x'.repeat(4100));
    expect(await page.locator('#message').inputValue()).toHaveLength(4100);
    expect(await page.locator('#counter').textContent()).toContain('4100');
    expect(await page.locator('#send').isDisabled()).toBe(true);
    await page.locator('#message').press('Enter');
    await page.locator('#message').fill('x'.repeat(3700));
    expect(await page.locator('#counter').textContent()).toBe('3700 / 4000');
    expect(await page.locator('#send').isDisabled()).toBe(false);
    expect(await page.locator('.reply').count()).toBe(replies);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('has no critical or serious accessibility violation (axe-core), on a desktop and on a phone', async () => {
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    for (const [viewport, isMobile] of [[{ width: 1280, height: 900 }, false], [{ width: 390, height: 844 }, true]] as const) {
      const page = await open(viewport, { isMobile, bypassCSP: true });
      await ask(page, 'neridronato bambino 18 kg');
      await page.locator('#teams-cards .ac-adaptiveCard').first().waitFor();
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
        const result = await axe.run();
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target) }));
      });
      expect(violations.filter((v) => v.impact === 'critical' || v.impact === 'serious'), JSON.stringify(violations)).toEqual([]);
      await page.context().close();
    }
    expect(problems).toEqual([]);
  });
});
