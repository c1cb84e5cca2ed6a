/** The two requests this contract gained: a new token for a profile, and cancelling the launch under way. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INVOKES } from '../../src/contract/ipc-contract.ts';

test('setProfileToken takes a profile name and a non-empty token, and nothing else', () => {
  const arg = INVOKES.setProfileToken.arg;
  assert.deepEqual(arg.parse({ name: 'team', token: 't0k' }), { name: 'team', token: 't0k' });
  assert.match(arg.safeParse({ name: 'team', token: '' }).error?.issues[0]?.message ?? '', /paste the access token/);
  assert.equal(arg.safeParse({ name: 'Team!', token: 'x' }).success, false);
  assert.equal(arg.safeParse({ name: 'team', token: 'x', apiUrl: 'https://x' }).success, false, 'a token request changes nothing else');
});

test('cancelLaunch takes no argument', () => {
  assert.equal(INVOKES.cancelLaunch.arg.safeParse(undefined).success, true);
  assert.equal(INVOKES.cancelLaunch.arg.safeParse({ force: true }).success, false);
});
