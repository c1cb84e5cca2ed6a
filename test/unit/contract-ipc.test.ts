import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ContractError,
  EVENT_NAMES,
  INVOKE_NAMES,
  RemoteError,
  errorEnvelope,
  eventChannel,
  invokeChannel,
  isInvokeName,
  okEnvelope,
  parseArg,
  unwrapEnvelope,
} from '../../src/contract/ipc-contract.ts';
import { GatewayError } from '../../src/core/gateway/errors.ts';

test('every channel string is derived from its name, and all are distinct', () => {
  const channels = [...INVOKE_NAMES.map(invokeChannel), ...EVENT_NAMES.map(eventChannel)];
  assert.equal(new Set(channels).size, channels.length);
  assert.equal(invokeChannel('getStatus'), 'gateway-tray:invoke:getStatus');
  assert.equal(eventChannel('statusChanged'), 'gateway-tray:event:statusChanged');
  assert.ok(isInvokeName('launch'));
  assert.ok(!isInvokeName('constructor'), 'no prototype keys pass as channels');
  assert.ok(!isInvokeName('__proto__'));
});

test("the profile's module setting crosses IPC validated by the contract's schema", () => {
  assert.deepEqual(parseArg('addProfile', { name: 'c', kind: 'cloud', apiUrl: 'https://x.example', token: 't', module: 'api7' }), { name: 'c', kind: 'cloud', apiUrl: 'https://x.example', token: 't', module: 'api7' });
  assert.equal(parseArg('updateProfile', { name: 'c', module: 'https://mirror.example/cloud_module_beta.tar.gz' }).module, 'https://mirror.example/cloud_module_beta.tar.gz');
  assert.equal(parseArg('addProfile', { name: 'l', kind: 'local', module: 'open-agent' }).module, 'open-agent');
  assert.throws(() => parseArg('updateProfile', { name: 'c', module: 'cloud' }), (e: unknown) => e instanceof ContractError && /module: the module is one of auto, open-agent, api7, or the http\(s\) URL of a module tarball/.test(e.message));
  assert.throws(() => parseArg('addProfile', { name: 'l', kind: 'local', module: 'javascript:alert(1)' }), /module/);
});

test('arguments are validated with the channel schema', () => {
  assert.equal(parseArg('getStatus', undefined), undefined);
  assert.throws(() => parseArg('getStatus', { extra: 1 }), (e: unknown) => e instanceof ContractError && e.code === 'bad-argument');
  assert.deepEqual(parseArg('putRoute', { path: '/hello', upstream: '127.0.0.1:8080' }), { path: '/hello', upstream: '127.0.0.1:8080' });
  assert.throws(() => parseArg('putRoute', { path: 'hello', upstream: '127.0.0.1:8080' }), /path: a path starts with "\/"/);
  assert.throws(() => parseArg('putRoute', { path: '/x', upstream: 'http://a b' }), /upstream/);
  assert.throws(() => parseArg('putRoute', { path: '/x', upstream: 'h:1', admin: true }), /Unrecognized key/);
  assert.throws(() => parseArg('tailLogs', { lines: 0 }), /lines/);
  assert.throws(() => parseArg('deleteRoute', { id: '../etc' }), /route id/);
  assert.throws(() => parseArg('addProfile', { name: 'Bad Name', kind: 'local' }), /name/);
  assert.throws(() => parseArg('addProfile', { name: 'c', kind: 'cloud', apiUrl: 'https://x.example' }), /token/);
  assert.throws(() => parseArg('updateSettings', { theme: 'neon' }), /theme/);
  assert.deepEqual(parseArg('updateSettings', { notifications: { muted: ['crashed'] } }), { notifications: { muted: ['crashed'] } });
  assert.deepEqual(parseArg('launch', undefined), undefined);
  assert.deepEqual(parseArg('launch', { image: 'apache/apisix:3.13.0-debian' }), { image: 'apache/apisix:3.13.0-debian' });
  assert.throws(() => parseArg('launch', { image: '--privileged' }), /image/);
});

test('errors cross as an envelope and are rebuilt as Error objects with name, message and code', () => {
  const env = errorEnvelope(new GatewayError('preflight', 'Port 9080 is in use by another process; choose another port or stop it'));
  assert.deepEqual(env, { ok: false, error: { name: 'GatewayError', message: 'Port 9080 is in use by another process; choose another port or stop it', code: 'preflight' } });
  const wire = JSON.parse(JSON.stringify(env)) as unknown;
  assert.throws(
    () => unwrapEnvelope(wire),
    (e: unknown) => e instanceof RemoteError && e instanceof Error && e.name === 'GatewayError' && e.code === 'preflight' && /Port 9080/.test(e.message),
  );
  assert.deepEqual(unwrapEnvelope(JSON.parse(JSON.stringify(okEnvelope({ a: 1 })))), { a: 1 });
  assert.deepEqual(errorEnvelope('plain'), { ok: false, error: { name: 'Error', message: 'plain' } });
  assert.throws(() => unwrapEnvelope({ value: 1 }), (e: unknown) => e instanceof ContractError && e.code === 'bad-envelope');
});
