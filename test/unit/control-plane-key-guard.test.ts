import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkKeyRange, prefixDir } from '../../src/control-plane/config-centre/key-guard.ts';
import { filterRangeAnswer, watchEventFilter } from '../../src/control-plane/config-centre/response-filter.ts';
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

test('the prefix is a folder: neighbours that only share its letters are refused', () => {
  const refused: Array<['range' | 'watch', unknown]> = [
    ['range', { key: b64('/apisix_private/secret') }],
    ['range', { key: b64('/apisix-dashboard/'), range_end: b64('/apisix-dashboard0') }],
    ['range', { key: b64('/apisix_'), range_end: b64('/apisiy') }],
    ['range', { key: b64('/apisix/routes/'), range_end: b64('/apisix_') }],
    ['range', { key: b64('/apisix'), count_only: true, range_end: b64('/apisiy') }],
    ['watch', { create_request: { key: b64('/apisix_private/'), range_end: b64('/apisix_private0') } }],
  ];
  for (const [kind, body] of refused) assert.match(checkKeyRange(kind, body, '/apisix') ?? '', /under \/apisix\/|inside \/apisix\//, JSON.stringify(body));
  assert.equal(checkKeyRange('range', { key: b64('/apisix/'), range_end: b64('/apisix0') }, '/apisix'), undefined);
  assert.equal(checkKeyRange('watch', { create_request: { key: b64('/apisix/'), range_end: b64('/apisix0') } }, '/apisix'), undefined);
});

test('a range answer keeps only the keys inside the folder, and its count follows', () => {
  const dir = prefixDir('/apisix');
  const answer = JSON.stringify({
    header: { revision: '9' },
    kvs: [{ key: b64('/apisix/routes/1'), value: b64('{}') }, { key: b64('/apisix_private/a'), value: b64('s') }, { key: b64('/apisix-dashboard/b') }],
    count: '3',
  });
  const filtered = JSON.parse(filterRangeAnswer(answer, dir)) as { kvs: Array<{ key: string }>; count: string; header: unknown };
  assert.deepEqual(filtered.kvs.map((kv) => Buffer.from(kv.key, 'base64').toString()), ['/apisix/routes/1']);
  assert.equal(filtered.count, '1');
  assert.deepEqual(filtered.header, { revision: '9' });
  const clean = JSON.stringify({ header: {}, kvs: [{ key: b64('/apisix/x') }], count: '1' });
  assert.equal(filterRangeAnswer(clean, dir), clean, 'an answer with nothing to remove passes byte for byte');
  assert.equal(filterRangeAnswer('{"error":"x","code":3}', dir), '{"error":"x","code":3}');
});

test('a watch stream loses events outside the folder, message by message, even split across chunks', async () => {
  const filter = watchEventFilter(prefixDir('/apisix'));
  const out: string[] = [];
  filter.on('data', (c: Buffer | string) => out.push(c.toString()));
  const created = JSON.stringify({ result: { header: { revision: '1' }, created: true } });
  const leaked = JSON.stringify({ result: { header: { revision: '2' }, events: [{ kv: { key: b64('/apisix_private/a'), value: b64('s') } }] } });
  const mixed = JSON.stringify({ result: { header: { revision: '3' }, events: [{ kv: { key: b64('/apisix-x') } }, { kv: { key: b64('/apisix/routes/1') } }] } });
  const all = `${created}\n${leaked}\n${mixed}\n`;
  const cut = all.length - 17;
  filter.write(all.slice(0, cut));
  filter.write(all.slice(cut));
  filter.end();
  await new Promise((resolve) => filter.on('end', resolve));
  const lines = out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { result: { created?: boolean; events?: Array<{ kv: { key: string } }> } });
  assert.equal(lines.length, 2, 'the message of only outside events is dropped');
  assert.equal(lines[0]?.result.created, true);
  assert.deepEqual(lines[1]?.result.events?.map((e) => Buffer.from(e.kv.key, 'base64').toString()), ['/apisix/routes/1']);
});
