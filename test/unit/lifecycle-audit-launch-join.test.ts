/**
 * Issue 10: "A second launch click with another image silently joins the first." GatewayActions keeps
 * one launch at a time; a second click joins it only when it asks for the same image. The session is a
 * stub that holds the first launch open (a real launch can't be held at a chosen point on demand), and
 * then fails it, so nothing is started.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayActions } from '../../src/core/app/gateway-actions.ts';
import type { LiveSession } from '../../src/core/app/live-session.ts';

function heldSession() {
  let fail!: (err: Error) => void;
  const held = new Promise<LiveSession>((_resolve, reject) => (fail = reject));
  let asked = 0;
  const actions = new GatewayActions({
    current: () => {
      asked += 1;
      return held;
    },
    ensureControlPlane: () => held,
    onProgress: () => undefined,
    onLaunchEnd: () => undefined,
    sample: async () => undefined,
  });
  return { actions, fail: (m: string) => fail(new Error(m)), asked: () => asked };
}

test('a second launch with another image while one runs is refused, naming both; the same image joins it', async () => {
  const { actions, fail, asked } = heldSession();
  const first = actions.launch('gateway-tray/image:a');
  const same = actions.launch('gateway-tray/image:a');
  const plain = actions.launch();
  await assert.rejects(actions.launch('gateway-tray/image:b'), (err: Error) => {
    assert.match(err.message, /A launch with gateway-tray\/image:a is under way/);
    assert.match(err.message, /then launch gateway-tray\/image:b/);
    return true;
  });
  assert.equal(same, first, 'the same image joins the launch under way');
  assert.equal(plain, first, "a click without an image (the profile's) joins too");
  assert.equal(asked(), 1, 'only one launch was started');

  fail('held launch ends');
  await assert.rejects(first, /held launch ends/);
  // Once it is over, another image starts a launch of its own.
  const { actions: next, fail: failNext, asked: askedNext } = heldSession();
  const a = next.launch();
  await assert.rejects(next.launch('gateway-tray/image:b'), /A launch with the profile's image is under way/);
  failNext('done');
  await assert.rejects(a, /done/);
  const b = next.launch('gateway-tray/image:b');
  assert.notEqual(b, a);
  assert.equal(askedNext(), 2);
  await assert.rejects(b, /done/);
});
