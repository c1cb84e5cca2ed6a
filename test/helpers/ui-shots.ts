import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const WIDE = { width: 1100, height: 760 };
export const NARROW = { width: 420, height: 760 };
const VARIANTS = [
  { size: WIDE, tag: 'wide', scheme: 'light' },
  { size: WIDE, tag: 'wide', scheme: 'dark' },
  { size: NARROW, tag: 'narrow', scheme: 'light' },
  { size: NARROW, tag: 'narrow', scheme: 'dark' },
] as const;

/**
 * Screenshots of the screen as it is, in one pass: 1100×760 and 420 px wide, light and dark (the
 * system's scheme; the app's theme is "system" while these are taken). The page is left wide and light.
 */
export async function shootVariants(page: Page, dir: string, name: string): Promise<string[]> {
  const files: string[] = [];
  for (const v of VARIANTS) {
    await page.setViewportSize(v.size);
    await page.emulateMedia({ colorScheme: v.scheme });
    // Two frames: layout, ResizeObserver (charts) and the colour change have run.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const file = join(dir, `${name}-${v.tag}-${v.scheme}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  await page.setViewportSize(WIDE);
  await page.emulateMedia({ colorScheme: 'light' });
  return files;
}

/** Buttons, inputs and selects on the page without an accessible name (label, aria-label, text, title). */
export async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('button, input, select, textarea, [role="tab"]'))) {
      if (el.closest('[hidden], dialog:not([open])') || (el as HTMLInputElement).type === 'hidden') continue;
      const labelled = el.getAttribute('aria-labelledby')?.split(/\s+/).map((id) => document.getElementById(id)?.textContent?.trim()).join('');
      const labels = (el as HTMLInputElement).labels ? Array.from((el as HTMLInputElement).labels ?? []).map((l) => l.textContent?.trim()).join('') : '';
      const name = el.getAttribute('aria-label') || labelled || labels || el.textContent?.trim() || el.getAttribute('title');
      if (!name) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
}
