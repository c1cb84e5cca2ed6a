/** The certificate card's one reading of the time left: rounded down, and only one of it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certificateLife } from '../../renderer/src/charts/series.ts';
import { certificateRemaining } from '../../renderer/src/dashboard/cert-remaining.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();
const DAY = 86_400_000;
const left = (ms: number) => certificateRemaining(at(ms), NOW)?.text;

test('a fresh 90-day certificate reads "89 days left" a second after issue, never "90" beside an "in 90 days"', () => {
  assert.equal(left(90 * DAY), '90 days left', 'exactly 90 days');
  assert.equal(left(90 * DAY - 1000), '89 days left', 'a second less: 89 whole days');
  assert.equal(left(89 * DAY + 1), '89 days left');
  // The bar's days come from the same reading.
  assert.equal(certificateLife(at(90 * DAY - 1000), at(-1000), NOW)?.daysLeft, 89);
});

test('the last two days, the last day, the last hour and the last minute', () => {
  assert.equal(left(2 * DAY), '2 days left');
  assert.equal(left(2 * DAY - 1), '1 day left');
  assert.equal(left(DAY), '1 day left');
  assert.equal(left(DAY - 1), '23 h left');
  assert.equal(left(3_600_000), '1 h left');
  assert.equal(left(3_600_000 - 1), '59 min left');
  assert.equal(left(60_000), '1 min left');
  assert.equal(left(59_999), 'less than a minute left');
});

test('expiry itself and after: "expired", with no negative days', () => {
  assert.equal(left(0), 'expired');
  assert.equal(left(-5 * DAY), 'expired');
  assert.equal(certificateRemaining(at(0), NOW)?.tone, 'bad');
});

test('the tone turns at 30 and 7 days, by the exact time left', () => {
  assert.equal(certificateRemaining(at(30 * DAY), NOW)?.tone, 'ok');
  assert.equal(certificateRemaining(at(30 * DAY - 1), NOW)?.tone, 'warn');
  assert.equal(certificateRemaining(at(7 * DAY), NOW)?.tone, 'warn');
  assert.equal(certificateRemaining(at(7 * DAY - 1), NOW)?.tone, 'bad');
});

test('no or unreadable notAfter: nothing to show', () => {
  assert.equal(certificateRemaining(undefined, NOW), undefined);
  assert.equal(certificateRemaining('soon', NOW), undefined);
});
