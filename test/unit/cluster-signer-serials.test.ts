import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignerSerials, type Seen } from '../../src/control-plane/data-plane/signer-serials.ts';

/** Records what a cluster would share. */
class Recording extends SignerSerials {
  shared: [string, Seen][] = [];
  protected override changed(id: string, entry: Seen): void {
    this.shared.push([id, entry]);
  }
}

// Serials in their normalized form (lowercase hex, no leading zeros), as the data plane passes them on.
test('a change of run or serial is shared, a repeat beat is not', () => {
  const s = new Recording();
  s.remember('gw', 'r1', 'a');
  s.remember('gw', 'r1', 'a');
  s.remember('gw', 'r1', 'b');
  s.remember('gw', 'r1', 'a');
  s.remember('gw', 'r2', 'b');
  assert.deepEqual(s.shared.map(([, e]) => e), [
    { runId: 'r1', serials: ['a'] },
    { runId: 'r1', serials: ['a', 'b'] },
    { runId: 'r2', serials: ['b'] },
  ]);
});

test("another replica's entry: the same run adds its serials, another run replaces them", () => {
  const s = new SignerSerials();
  s.remember('gw', 'r1', 'c');
  s.absorb('gw', { runId: 'r1', serials: ['a', 'b'] });
  assert.deepEqual(s.candidates('gw', 'r1', 'b'), ['b', 'c', 'a']);
  s.absorb('gw', { runId: 'r2', serials: ['d'] });
  assert.deepEqual(s.candidates('gw', 'r1', 'd'), ['d'], 'the old run counts no more');
  assert.deepEqual(s.candidates('gw', 'r2', 'e'), ['e', 'd']);
});
