import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayInstance } from '../../src/core/cloud/types.ts';
import { AppliedTracker, newRouteId, routeBodyOf, upstreamOf } from '../../src/core/app/route-views.ts';

const instance = (applied_revision: number): GatewayInstance =>
  ({ id: 'i', hostname: 'h', ip: '1', domain: 'd', api_calls: 0, version: 'v', etcd_reachable: true, config_version: 0, last_seen_time: '', register_time: '', status: 'Healthy', applied_revision }) as GatewayInstance;

test('an upstream typed as host:port or a URL becomes APISIX nodes', () => {
  assert.deepEqual(upstreamOf('172.17.0.1:8080'), { type: 'roundrobin', scheme: 'http', nodes: { '172.17.0.1:8080': 1 } });
  assert.deepEqual(upstreamOf('https://api.example.com'), { type: 'roundrobin', scheme: 'https', nodes: { 'api.example.com:443': 1 } });
  assert.deepEqual(upstreamOf('http://[::1]:81'), { type: 'roundrobin', scheme: 'http', nodes: { '[::1]:81': 1 } });
  assert.deepEqual(routeBodyOf({ path: '/api/*', upstream: 'svc:80' }), { uri: '/api/*', upstream: upstreamOf('svc:80'), status: 1 });
});

test('route ids are readable, valid and unique', () => {
  const a = newRouteId('/Hello/World');
  assert.match(a, /^hello-world-[0-9a-f]{6}$/);
  assert.match(newRouteId('/'), /^root-[0-9a-f]{6}$/);
  assert.notEqual(newRouteId('/x'), newRouteId('/x'));
  assert.match(newRouteId(`/${'a'.repeat(200)}`), /^[A-Za-z0-9_-]{1,64}$/);
});

test('a change is pending until the gateway reports a higher applied revision', () => {
  const tracker = new AppliedTracker();
  const route = { id: 'r1', uri: '/r1', upstream: { nodes: { '10.0.0.1:80': 1 } } };
  assert.equal(tracker.view(route, undefined).applied, 'unknown', 'no gateway: unknown');
  tracker.changed('r1', 7, false);
  tracker.settle(instance(7));
  assert.equal(tracker.view(route, instance(7)).applied, 'pending');
  tracker.settle(instance(8));
  const view = tracker.view(route, instance(8));
  assert.deepEqual(view, { id: 'r1', path: '/r1', upstream: 'http://10.0.0.1:80', applied: 'applied' });
});

test('a removal shows as removing until applied, then drops', () => {
  const tracker = new AppliedTracker();
  const known = new Map([['r1', { id: 'r1', path: '/r1', upstream: 'http://a:1', applied: 'applied' as const }]]);
  tracker.changed('r1', 10, true);
  tracker.settle(instance(10));
  assert.deepEqual(tracker.removing(known, undefined), [], 'no gateway: nothing to wait for');
  assert.deepEqual(tracker.removing(known, instance(10)), [{ id: 'r1', path: '/r1', upstream: 'http://a:1', applied: 'pending', removing: true }]);
  tracker.settle(instance(11));
  assert.deepEqual(tracker.removing(known, instance(11)), []);
});

test('a route that names its config revision is judged against it exactly', () => {
  const tracker = new AppliedTracker();
  const route = { id: 'r2', uri: '/r2', revision: 42 };
  assert.equal(tracker.view(route, instance(41)).applied, 'pending');
  assert.equal(tracker.view(route, instance(42)).applied, 'applied');
  assert.equal(tracker.view({ id: 'r3', uri: '/r3', mod_revision: 50 }, instance(49)).applied, 'pending');
});
