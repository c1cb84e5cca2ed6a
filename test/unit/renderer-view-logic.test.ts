/**
 * The renderer's pure logic, in node: the state → view mapping, the one time format, chart series from
 * the control plane's metrics, per-field validation messages, the upstream advice, port messages,
 * component cards and the pull speed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addProfileSchema, routeInputSchema, type ApiCallsPoint, type StatusSnapshot } from '../../src/contract/ipc-contract.ts';
import { certificateLife, heartbeatGaps, requestsPerMinute, statusSeries } from '../../renderer/src/charts/series.ts';
import { fieldsOfRemoteError, issuesByField } from '../../renderer/src/common/field-errors.ts';
import { absoluteText, bytesText, durationText, relativeText } from '../../renderer/src/common/format.ts';
import { portFieldErrors, portReportMessage } from '../../renderer/src/common/port-fields.ts';
import { componentViews } from '../../renderer/src/components/component-views.ts';
import { adviseUpstream, upstreamHost } from '../../renderer/src/routes/upstream-advice.ts';
import { stageTone, stateView } from '../../renderer/src/view/state-view.ts';
import { PullRate } from '../../renderer/src/wizard/pull-rate.ts';
import { stageName } from '../../renderer/src/wizard/LaunchStages.tsx';
import { isMessageKey } from '../../src/contract/i18n.ts';

test('every gateway state maps to a label, a tone and an icon; an unknown one shows as neutral', () => {
  for (const s of ['stopped', 'starting', 'healthy', 'degraded', 'lost', 'error']) {
    const v = stateView(s);
    assert.ok(isMessageKey(v.label) && isMessageKey(v.hint), s);
  }
  assert.equal(stateView('healthy').tone, 'ok');
  assert.equal(stateView('lost').tone, 'bad');
  assert.equal(stateView('starting').icon, 'loader');
  assert.deepEqual([stateView('suspended').label, stateView('suspended').tone], ['state.unknown', 'neutral']);
  assert.deepEqual(['waiting', 'start', 'done', 'failed'].map((s) => stageTone(s as 'waiting')), ['neutral', 'busy', 'ok', 'bad']);
});

test('times read one way: relative in the text, one absolute format for the hover', () => {
  const now = Date.parse('2026-12-01T07:30:00Z');
  assert.equal(relativeText('2026-12-01T07:29:48Z', now), '12 s ago');
  assert.equal(relativeText('2026-12-01T07:25:00Z', now), '5 min ago');
  assert.equal(relativeText('2026-12-01T04:30:00Z', now), '3 h ago');
  assert.equal(relativeText('2027-03-01T07:30:00Z', now), 'in 90 days');
  assert.equal(relativeText(undefined, now), 'never');
  assert.match(absoluteText('2026-12-01T07:24:29Z'), /^2026-12-0[12] \d\d:24:29$/);
  assert.equal(absoluteText(undefined), '—');
  assert.deepEqual([bytesText(512), bytesText(1500), bytesText(25_000_000)], ['512 B', '1.5 kB', '25 MB']);
  assert.deepEqual([durationText(850), durationText(4200), durationText(65_000)], ['850 ms', '4.2 s', '1 min 5 s']);
});

test('chart series: requests per minute, status classes per interval, heartbeat gaps, certificate life', () => {
  const points: ApiCallsPoint[] = [
    { at: '2026-12-01T07:00:00Z', calls: 0 },
    { at: '2026-12-01T07:00:30Z', calls: 10, byStatus: { '200': 8, '502': 2 } },
    { at: '2026-12-01T07:01:00Z', calls: 3, byStatus: { '404': 3 } },
  ];
  assert.deepEqual(requestsPerMinute(points).y, [20, 6]);
  const s = statusSeries(points);
  assert.equal(s.any, true);
  assert.deepEqual([s.byClass['2xx'], s.byClass['4xx'], s.byClass['5xx']], [[8, 0], [0, 3], [2, 0]]);
  assert.equal(statusSeries([{ at: points[0]!.at, calls: 0 }]).any, false, 'no byStatus: nothing to draw');
  assert.deepEqual(heartbeatGaps([{ at: '2026-12-01T07:00:00Z', status: 'Healthy' }, { at: '2026-12-01T07:00:10Z', status: 'Healthy' }]).map((g) => g.gapS), [undefined, 10]);
  const now = Date.parse('2026-12-11T00:00:00Z');
  const life = certificateLife('2026-12-21T00:00:00Z', '2026-12-01T00:00:00Z', now);
  assert.deepEqual(life, { fraction: 0.5, daysLeft: 10 });
});

test('validation messages are per field and say what to do', () => {
  const route = routeInputSchema.safeParse({ path: 'hello', upstream: 'not an upstream!' });
  assert.equal(route.success, false);
  const byField = issuesByField(route.error);
  assert.match(byField.path ?? '', /^A path starts with "\/"\.$/);
  assert.match(byField.upstream ?? '', /^An upstream is host:port or http:\/\/host:port\.$/);
  const cloud = addProfileSchema.safeParse({ name: 'Team', kind: 'cloud', apiUrl: 'not a url', token: '' });
  const f = issuesByField(cloud.error);
  assert.match(f.name ?? '', /^A profile name is 1 to 32 lowercase letters/);
  assert.equal(f.apiUrl, 'A control-plane address is a URL such as https://cp.example.com.');
  assert.equal(f.token, 'Paste the access token.');
  // A core message that names fields lands beside them, not as "Error: Invalid argument for …".
  const remote = fieldsOfRemoteError('Invalid argument for updateProfile: image: an image is a Docker reference such as apache/apisix:3.13.0-debian; ports.control: a port is a whole number from 1 to 65535');
  assert.deepEqual(Object.keys(remote).sort(), ['image', 'ports.control']);
  assert.doesNotMatch(remote.image ?? '', /Invalid argument/);
  assert.deepEqual(fieldsOfRemoteError('Docker is gone'), { '': 'Docker is gone' });
});

test('port fields: a range message, a duplicate names the other field, and ports in use name their holder', () => {
  const e = portFieldErrors({ proxyHttp: '9080', proxyHttps: '70000', control: '9080', prometheus: 'x' });
  assert.equal(e.proxyHttp, undefined);
  assert.equal(e.proxyHttps, 'Enter a whole number from 1 to 65535.');
  assert.equal(e.control, 'Same as the Gateway HTTP port: each port must differ.');
  assert.equal(e.prometheus, 'Enter a whole number from 1 to 65535.');
  assert.match(portReportMessage({ state: 'profile', profile: 'team', port: 9080 }) ?? '', /Port 9080 is used by the running gateway of profile "team"/);
  assert.match(portReportMessage({ state: 'process', port: 9443 }) ?? '', /Port 9443 is in use by another program/);
  assert.equal(portReportMessage({ state: 'own', port: 9080 }), undefined);
  assert.equal(portReportMessage({ state: 'free', port: 9080 }), undefined);
});

test('an upstream on 127.0.0.1 or localhost is the container itself; host.docker.internal gets its note', () => {
  for (const u of ['127.0.0.1:8080', 'http://localhost:3000', 'http://[::1]:80', 'LOCALHOST:1']) assert.equal(adviseUpstream(u), 'loopback', u);
  assert.equal(adviseUpstream('host.docker.internal:8080'), 'host-gateway');
  assert.equal(adviseUpstream('http://172.17.0.1:8080'), undefined);
  assert.equal(upstreamHost('http://example.com:80/'), 'example.com');
});

test('launch stages show their names, never raw ids', () => {
  assert.equal(stageName({ id: 'container', title: 'container' }), 'Container');
  assert.equal(stageName({ id: 'image', title: 'image' }), 'Gateway image');
  assert.equal(stageName({ id: 'new-stage', title: 'A new stage' }), 'A new stage');
});

test('the pull speed is bytes per second over the recent samples', () => {
  const r = new PullRate(3000);
  assert.equal(r.perSecond(), undefined);
  r.add(0, 0);
  r.add(1000, 2_000_000);
  assert.equal(r.perSecond(), 2_000_000);
});

test('component cards: Docker, the control plane, etcd for a local profile, and the gateway with its published ports', () => {
  const snap = {
    status: { state: 'healthy', reasons: [], profile: 'local', engine: { ready: true, endpoint: 'unix:///var/run/docker.sock' }, containerId: 'abcdef1234567890', ports: { http: 9080 }, at: 0 },
    profile: { name: 'local', kind: 'local', image: 'apache/apisix:3.13.0-debian', ports: { proxyHttp: 9080, proxyHttps: 9443, control: 9090, prometheus: 9091 }, module: 'auto', isDefault: true },
    gatewayUrl: 'http://127.0.0.1:19080',
    publishedPorts: { http: 19080 },
    settings: { onboarded: true, theme: 'system', quitBehaviour: 'leave-running', autostart: false, notifications: { enabled: true, muted: [] } },
  } as StatusSnapshot;
  const views = componentViews(snap);
  assert.deepEqual(views.map((v) => v.id), ['engine', 'control-plane', 'etcd', 'gateway']);
  assert.equal(views[3]!.tone, 'ok');
  assert.deepEqual(views[3]!.facts.find(([k]) => k === 'components.ports'), ['components.ports', 'http 19080']);
  assert.equal(componentViews({ ...snap, profile: { ...snap.profile, kind: 'cloud', apiUrl: 'https://cp' } }).some((v) => v.id === 'etcd'), false);
});
