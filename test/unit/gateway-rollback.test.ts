import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rollback } from '../../src/core/gateway/rollback.ts';

test('undo steps run newest first, and a failing one is reported without stopping the others', async () => {
  const done: string[] = [];
  const r = new Rollback();
  r.add('files', () => {
    done.push('files');
  });
  r.add('certificate', () => {
    throw new Error('disk full');
  });
  r.add('container', async () => {
    done.push('container');
  });
  assert.equal(r.size, 3);
  const problems = await r.run();
  assert.deepEqual(done, ['container', 'files']);
  assert.deepEqual(problems, ['could not undo "certificate": disk full']);
  assert.equal(r.size, 0);
  assert.deepEqual(await r.run(), [], 'running twice undoes nothing twice');
});

test('commit keeps what was made', async () => {
  let undone = false;
  const r = new Rollback();
  r.add('container', () => {
    undone = true;
  });
  r.commit();
  await r.run();
  assert.equal(undone, false);
});
