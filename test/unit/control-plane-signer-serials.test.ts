import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignerSerials } from '../../src/control-plane/data-plane/signer-serials.ts';

test('after a renewal, the serial seen earlier in the same run stays a candidate, newest first', () => {
  const s = new SignerSerials();
  s.remember('gw', 'run-1', 'AA11');
  s.remember('gw', 'run-1', 'BB22');
  assert.deepEqual(s.candidates('gw', 'run-1', 'CC33'), ['cc33', 'bb22', 'aa11']);
  assert.deepEqual(s.candidates('gw', 'run-1', 'BB:22'), ['bb22', 'aa11'], 'the own serial once, in any printed form');
});

test('a new run id starts over, and a run id does not carry to another instance', () => {
  const s = new SignerSerials();
  s.remember('gw', 'run-1', 'aa11');
  assert.deepEqual(s.candidates('gw', 'run-2', 'bb22'), ['bb22']);
  assert.deepEqual(s.candidates('other', 'run-1', 'bb22'), ['bb22']);
  s.remember('gw', 'run-2', 'bb22');
  assert.deepEqual(s.candidates('gw', 'run-1', 'cc33'), ['cc33'], 'the old run is gone');
  assert.deepEqual(s.candidates('gw', undefined, 'cc33'), ['cc33']);
});

test('it stays bounded: a few serials per instance, a cap on instances, least recently seen out first', () => {
  const s = new SignerSerials(3, 2);
  for (const serial of ['a1', 'a2', 'a3', 'a4', 'a5']) s.remember('gw', 'r', serial);
  assert.deepEqual(s.candidates('gw', 'r', 'ff'), ['ff', 'a5', 'a4', 'a3']);
  s.remember('second', 'r', 'b1');
  s.remember('gw', 'r', 'a5');
  s.remember('third', 'r', 'c1');
  assert.deepEqual(s.candidates('second', 'r', 'ff'), ['ff'], 'evicted: the least recently seen');
  assert.deepEqual(s.candidates('gw', 'r', 'ff'), ['ff', 'a5', 'a4', 'a3']);
  s.forget('gw');
  assert.deepEqual(s.candidates('gw', 'r', 'ff'), ['ff']);
});
