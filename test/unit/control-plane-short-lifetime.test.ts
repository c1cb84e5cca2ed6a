/**
 * The shortest client certificates the control plane issues (1 minute, `--client-cert-lifetime 1m`) are
 * renewed within their last third of life, not from the moment they are issued: the backdate against
 * clock skew is never longer than the lifetime, so the client's guess at it (at most half the span) is
 * exact. With a 5-minute backdate a 1-minute certificate was due at once and renewed in a loop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validityFrom } from '../../src/control-plane/pki/certificates.ts';
import { needsRenewal, renewalDueAt } from '../../src/core/credentials/x509-inspect.ts';

const issued = new Date('2026-01-01T12:00:00Z');
const at = (ms: number) => new Date(issued.getTime() + ms);

test('a 1-minute certificate is not due when issued, and is due 40 s later', () => {
  const v = validityFrom(issued, 60_000);
  assert.equal(v.notAfter.toISOString(), '2026-01-01T12:01:00.000Z');
  assert.equal(v.notBefore.toISOString(), '2026-01-01T11:59:00.000Z', 'backdated by its lifetime, not 5 minutes');
  assert.equal(needsRenewal(v, at(1000)), false, 'not due a second after it was issued');
  assert.equal(needsRenewal(v, at(39_000)), false);
  assert.equal(renewalDueAt(v).toISOString(), '2026-01-01T12:00:40.000Z');
  assert.equal(needsRenewal(v, at(41_000)), true);
});

test('a 2-minute certificate is due after 80 s, two thirds of its life', () => {
  const v = validityFrom(issued, 120_000);
  assert.equal(renewalDueAt(v).toISOString(), '2026-01-01T12:01:20.000Z');
});

test('lifetimes of 5 minutes and more keep the 5-minute backdate', () => {
  for (const lifetimeMs of [5 * 60_000, 90 * 86_400_000]) {
    const v = validityFrom(issued, lifetimeMs);
    assert.equal(issued.getTime() - v.notBefore.getTime(), 5 * 60_000);
    assert.equal(needsRenewal(v, at(1000)), false);
    assert.equal(renewalDueAt(v).getTime(), issued.getTime() + (lifetimeMs * 2) / 3);
  }
});
