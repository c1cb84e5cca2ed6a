import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless, with a fresh profile folder that close() removes. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'gt-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1100, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Chromium and one page of the given size, with the 30 s step bound every end-to-end file uses. */
export async function launchChromiumPage(viewport: { width: number; height: number }): Promise<{ browser: Awaited<ReturnType<typeof launchChromium>>; page: Page }> {
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  page.setDefaultTimeout(30_000);
  await page.setViewportSize(viewport);
  return { browser, page };
}
