import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkKeyRange } from '../../src/control-plane/config-centre/key-guard.ts';
import { prefixEnd } from '../../src/control-plane/etcd/client.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('prefixEnd is the first key past every key of a prefix', () => {
  assert.equal(prefixEnd('/apisix').toString(), '/apisiy');
  assert.deepEqual([...prefixEnd(Buffer.from([0x61, 0xff]))], [0x62]);
  assert.deepEqual([...prefixEnd(Buffer.from([0xff]))], [0]);
});

test('reads inside the prefix pass, as APISIX asks for them', () => {
  assert.equal(checkKeyRange('range', { key: b64('/apisix'), range_end: b64('/apisiy') }, '/apisix'), undefined);
  assert.equal(checkKeyRange('range', { key: b64('/apisix/routes/1') }, '/apisix'), undefined);
  assert.equal(checkKeyRange('range', { key: b64('/apisix/routes/'), range_end: b64('/apisix/routes0'), limit: 100, revision: 3 }, '/apisix'), undefined);
  assert.equal(checkKeyRange('watch', { create_request: { key: b64('/apisix'), range_end: b64('/apisiy'), start_revision: 9 } }, '/apisix'), undefined);
});

test('reads outside the prefix, open-ended ranges and malformed requests are refused', () => {
  const refused: Array<['range' | 'watch', unknown]> = [
    ['range', { key: b64('/other') }],
    ['range', { key: b64('/apisi') }],
    ['range', { key: b64('/apisix'), range_end: b64('\0') }],
    ['range', { key: b64('/apisix'), range_end: b64('/apisiz') }],
    ['range', { key: 5 }],
    ['range', {}],
    ['range', null],
    ['watch', { key: b64('/apisix') }],
    ['watch', { create_request: { key: b64('/') } }],
    ['watch', { cancel_request: { watch_id: 1 } }],
  ];
  for (const [kind, body] of refused) assert.notEqual(checkKeyRange(kind, body, '/apisix'), undefined, JSON.stringify(body));
});
