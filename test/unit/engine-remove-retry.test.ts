import { test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { removeContainer } from '../../src/core/engine/containers.ts';

/**
 * A fake daemon whose first removals fail as overlay2 does when it races a dying container's processes
 * over their files: real Docker does this only now and then (a cancelled launch in CI), never on demand.
 */
function flakyRootfsDaemon(failures: number) {
  const calls: unknown[] = [];
  const docker = {
    getContainer: (id: string) => ({
      remove: async (opts: unknown) => {
        calls.push(opts);
        if (calls.length <= failures) {
          throw Object.assign(new Error('(HTTP code 500) server error - '), {
            statusCode: 500,
            json: { message: `container ${id}: driver "overlay2" failed to remove root filesystem: unlinkat /var/lib/docker/overlay2/x: directory not empty` },
          });
        }
      },
    }),
  } as unknown as Docker;
  return { docker, calls };
}

test('a removal that overlay2 fails with "directory not empty" is tried again, and then succeeds', async () => {
  const { docker, calls } = flakyRootfsDaemon(2);
  await removeContainer(docker, 'c1');
  assert.equal(calls.length, 3);
  assert.deepEqual(calls[0], { force: true, v: true });
});

test('a removal that keeps failing so is reported after a few tries, with the daemon\'s words', async () => {
  const { docker, calls } = flakyRootfsDaemon(100);
  await assert.rejects(removeContainer(docker, 'c2'), /failed to remove root filesystem/);
  assert.equal(calls.length, 4);
});
