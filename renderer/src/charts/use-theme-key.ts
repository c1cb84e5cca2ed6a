import { useEffect, useState } from 'react';

/**
 * Changes whenever the page's colours may have: the system's dark mode or the app's theme setting
 * (data-theme on <html>). Charts draw on a canvas with colours read from CSS, so they redraw on it.
 */
export function useThemeKey(): string {
  const read = () => `${document.documentElement.dataset.theme ?? 'system'}-${window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'}`;
  const [key, setKey] = useState(read);
  useEffect(() => {
    const update = () => setKey(read());
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    mq.addEventListener('change', update);
    const mo = new MutationObserver(update);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      mq.removeEventListener('change', update);
      mo.disconnect();
    };
  }, []);
  return key;
}

/** A CSS custom property of the page, e.g. cssVar('--chart-1'). */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
