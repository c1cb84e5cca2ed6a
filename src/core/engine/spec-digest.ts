import { createHash } from 'node:crypto';

/** JSON with every object's keys sorted, so that equal requests built in another order give equal text. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A digest of a container create request. Two requests with the same digest make the same container, so a
 * stopped one carrying it as a label can be started again instead of being made anew.
 */
export function requestDigest(request: object): string {
  return createHash('sha256').update(sortedJson(request)).digest('hex');
}
