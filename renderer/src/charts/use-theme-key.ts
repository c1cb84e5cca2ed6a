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

/**
 * A colour token of the page as a canvas takes it, e.g. cssColor('--chart-1') → 'rgb(68, 147, 248)'.
 * The token's own text may be light-dark(…, …), which only an element's style resolves (by its
 * color-scheme), so it is read back through a probe's computed colour.
 */
export function cssColor(name: string): string {
  const probe = document.createElement('span');
  probe.hidden = true;
  probe.style.color = `var(${name})`;
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}
