import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { dpRequest, heartbeatBody, startHarness, type ClientCredentials, type Harness } from '../helpers/control-plane.ts';

let h: Harness;
let tls: ClientCredentials;
before(async () => {
  h = await startHarness();
  const creds = await h.client.gatewayCertificate(h.cp.clusterId);
  tls = { cert: creds.certificate, key: creds.private_key, ca: h.caPem, servername: h.cp.domain };
});
after(async () => {
  await h?.cleanup();
});

const HUGE = Buffer.alloc(5 * 1024 * 1024, 0x61);
const JUNK_BODIES: Array<string | Buffer> = [
  '',
  'not json',
  '{"unterminated": ',
  '[1,2,3]',
  'null',
  '"a string"',
  '12345',
  '{"id": {"$gt": ""}}',
  JSON.stringify({ id: 5, api_calls: 'many', ports: { a: 1 }, etcd_reachable: 'yes', metrics: 7, uri: ['/x'], upstream: 'u' }),
  JSON.stringify({ id: 'x'.repeat(10_000) }),
  Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x7b]),
  `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  HUGE,
];

/** The server is alive when a normal call still gets a normal answer. */
async function alive() {
  assert.equal((await h.client.me()).id.length > 0, true);
  const r = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', body: heartbeatBody('alive') });
  assert.equal(r.status, 200);
}

async function manage(method: string, path: string, body: string | Buffer): Promise<number | 'reset'> {
  try {
    const res = await fetch(`${h.cp.apiUrl}/api/v1${path}`, { method, headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' }, body: method === 'GET' || method === 'DELETE' ? undefined : typeof body === 'string' ? body : new Uint8Array(body) });
    const json = (await res.json()) as { status: { code: number } };
    assert.ok([0, 3, 4].includes(json.status.code), `${method} ${path}: code ${json.status.code}`);
    return res.status;
  } catch (err) {
    // An oversized upload may be cut before the client finishes sending: that is a refusal too.
    if (Buffer.isBuffer(body) && body.length === HUGE.length) return 'reset';
    throw err;
  }
}

test('every management endpoint answers malformed, huge and mistyped bodies with a 4xx envelope', async () => {
  const c = h.cp.clusterId;
  const endpoints: Array<[string, string]> = [
    ['GET', '/user/me'],
    ['GET', `/orgs/${h.cp.orgId}`],
    ['GET', `/orgs/${h.cp.orgId}/clusters?page=-1`],
    ['GET', `/clusters/${c}`],
    ['GET', `/clusters/${c}/gateway_certificate?instance_id=%00%01`],
    ['GET', `/clusters/${c}/startup_config_tpl/apisix`],
    ['GET', `/clusters/${c}/instances?page_size=abc`],
    ['GET', `/clusters/${c}/instances/%E0%A4%A`],
    ['DELETE', `/clusters/${c}/instances/nobody`],
    ['DELETE', `/clusters/${c}/gateway_certificate/zz-not-hex`],
    ['GET', `/clusters/${c}/routes?page=999999999999`],
    ['PUT', `/clusters/${c}/routes/r1`],
    ['POST', `/clusters/${c}/routes`],
    ['DELETE', `/clusters/${c}/routes/nothing`],
  ];
  for (const [method, path] of endpoints) {
    for (const body of JUNK_BODIES) {
      const status = await manage(method, path, body);
      if (status !== 'reset') assert.ok(status < 500, `${method} ${path} → ${status}`);
      if ((method === 'PUT' || method === 'POST') && status !== 'reset') assert.equal(status, 400, `${method} ${path}`);
    }
  }
  await alive();
});

test('every data-plane endpoint answers malformed, huge and mistyped bodies without failing', async () => {
  const paths = ['/api/v1/dp/instance/heartbeat', '/api/v1/dp/metrics', '/v3/kv/range', '/v3/watch', '/version', '/v3/kv/put'];
  for (const path of paths) {
    for (const body of JUNK_BODIES) {
      for (const headers of [{}, { 'x-apiseven-instance-id': '../../x' }, { 'x-hmac-signature': '%%%' }] as Array<Record<string, string>>) {
        try {
          const r = await dpRequest(h.cp.dataPlaneUrl, tls, { method: path === '/version' ? 'GET' : 'POST', path, body, headers });
          assert.ok(r.status < 500 || (path === '/version' && r.status === 200), `${path} → ${r.status} ${r.text.slice(0, 100)}`);
          if (path.startsWith('/api') && body !== HUGE) assert.ok(r.status === 400 || r.status === 404, `${path} → ${r.status}`);
        } catch (err) {
          if (body !== HUGE) throw err;
        }
      }
    }
  }
  await alive();
});

test('garbage on the sockets is refused and both listeners keep serving', async () => {
  const api = new URL(h.cp.apiUrl);
  await new Promise<void>((resolve) => {
    const s = netConnect(Number(api.port), api.hostname, () => s.end('\x16\x03\x01 this is not HTTP\r\n\r\n'));
    s.on('data', () => undefined);
    s.on('close', () => resolve());
    s.on('error', () => resolve());
  });
  const dp = new URL(h.cp.dataPlaneUrl);
  await new Promise<void>((resolve) => {
    const s = netConnect(Number(dp.port), dp.hostname, () => s.end('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    s.on('data', () => undefined);
    s.on('close', () => resolve());
    s.on('error', () => resolve());
  });
  // A TLS client that completes the handshake with a certificate but then sends junk.
  await new Promise<void>((resolve) => {
    const s = tlsConnect({ host: dp.hostname, port: Number(dp.port), ...tls }, () => s.end('\x00\x01\x02 junk\r\n\r\n'));
    s.on('data', () => undefined);
    s.on('close', () => resolve());
    s.on('error', () => resolve());
  });
  await alive();
});
