/**
 * A real browser for the dashboard's tests: Debian's Chromium (`/usr/bin/chromium`, which
 * scripts/test installs when missing) driven by playwright-core, headless, with a fresh
 * profile per test that is removed when the test ends. Nothing is downloaded: playwright-core
 * ships no browser and the flags below keep Chromium from calling home.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { onCleanup } from './resources.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser context on a fresh profile (`--user-data-dir`), closed and removed when the test ends. */
export async function launchBrowser(
  t: TestContext,
  viewport: { width: number; height: number } = { width: 1280, height: 900 },
): Promise<BrowserContext> {
  const profile = await mkdtemp(join(tmpdir(), 'sedano-chromium-'));
  onCleanup(t, () => rm(profile, { recursive: true, force: true }));
  // playwright passes the profile to Chromium as --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport,
  });
  onCleanup(t, () => context.close());
  return context;
}

/** What axe-core reports for one rule the page breaks. */
export interface AccessibilityViolation {
  id: string;
  impact: string | null;
  help: string;
  /** CSS selectors of the elements that break it. */
  targets: string[];
}

let axeSource: string | undefined;

/**
 * The WCAG 2.x A and AA rules the page breaks, by axe-core (run in the page through the
 * DevTools protocol, which the page's Content-Security-Policy does not restrict).
 */
export async function accessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate<AccessibilityViolation[]>(`(async () => {
    const { violations } = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  })()`);
}
