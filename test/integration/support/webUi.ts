import { mkdirSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { ROOT } from './processes';

/** Screenshots a test keeps for people to look at (ignored by git). */
export const ARTIFACTS_DIR = path.join(ROOT, 'test-artifacts');

export const CHROMIUM = process.env.SWE_RL_CHROMIUM ?? '/usr/bin/chromium';

/** Headless Chromium (no sandbox: tests run as root in a container). */
export function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    defaultViewport: { width: 1600, height: 1000 },
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `webui-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The workflow ids the Web UI's workflow list links to, as shown now. */
export function listedWorkflowIds(page: Page): Promise<string[]> {
  return page.$$eval('a[href*="/workflows/"]', (links) => {
    const ids = new Set<string>();
    for (const link of links) {
      const match = /\/namespaces\/[^/]+\/workflows\/([^/?]+)\/[^/?]+/.exec(new URL((link as unknown as Anchor).href).pathname);
      if (match) ids.add(decodeURIComponent(match[1]));
    }
    return [...ids];
  });
}

/** What a link in the page offers (the test's tsconfig has no DOM types). */
export interface Anchor {
  href: string;
  click(): void;
}

/** The text the page shows now, with its frames' (the UI renders summaries in sandboxed iframes). */
export async function pageText(page: Page): Promise<string> {
  const texts = await Promise.all(page.frames().map((frame) =>
    frame.$eval('body', (body) => (body as unknown as { innerText: string }).innerText).catch(() => '')));
  return texts.join('\n');
}
