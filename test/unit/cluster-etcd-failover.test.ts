import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { EtcdEndpoint } from '../../src/control-plane/etcd/transport.ts';
import { freePort } from '../helpers/etcd.ts';

test('with several members, a call that cannot connect is tried on the next, and later calls start there', async () => {
  const server = createServer((req, res) => res.end(JSON.stringify({ path: req.url })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const up = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const down = `http://127.0.0.1:${await freePort()}`;
  const endpoint = new EtcdEndpoint([down, up]);
  try {
    const res = await endpoint.call('GET', '/version', undefined, 2000);
    assert.equal(res.status, 200);
    assert.equal(endpoint.origin.origin, up, 'moved on to the member that answers');
    assert.equal((await endpoint.call('GET', '/health', undefined, 2000)).status, 200);
    assert.equal(endpoint.origin.origin, up, 'and stays there');
  } finally {
    endpoint.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('every member down: the call fails with the last error; one URL behaves as before', async () => {
  const endpoint = new EtcdEndpoint([`http://127.0.0.1:${await freePort()}`, `http://127.0.0.1:${await freePort()}`]);
  await assert.rejects(endpoint.call('GET', '/version', undefined, 1000), /ECONNREFUSED/);
  endpoint.close();
  const single = new EtcdEndpoint(`http://127.0.0.1:${await freePort()}`);
  assert.equal(single.origins.length, 1);
  await assert.rejects(single.call('GET', '/version', undefined, 1000), /ECONNREFUSED/);
  single.close();
  assert.throws(() => new EtcdEndpoint(['http://127.0.0.1:1', 'https://127.0.0.1:2']), /same scheme/);
});
