import type { Duplex } from 'node:stream';

/**
 * Joins two sockets both ways, as the tests' proxies do, and keeps them in `open` until either ends;
 * an error or close on one side ends both, so a proxy never holds a half-dead pair.
 */
export function splice(a: Duplex, b: Duplex, open: Set<Duplex>): void {
  open.add(a);
  open.add(b);
  a.pipe(b);
  b.pipe(a);
  const end = (): void => {
    a.destroy();
    b.destroy();
    open.delete(a);
    open.delete(b);
  };
  a.on('error', end).on('close', end);
  b.on('error', end).on('close', end);
}
