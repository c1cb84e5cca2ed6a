import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { renderStartupTemplate as controlPlaneTemplate } from '../../src/control-plane/template/apisix-config.ts';
import { renderStartupTemplate } from '../../src/core/gateway/template.ts';
import {
  apisixMajorOfImage,
  chooseModule,
  DEFAULT_API7_MODULE_URL,
  ModuleChoiceError,
  moduleMounts,
} from '../../src/core/module/choose-module.ts';
import { moduleSettingSchema } from '../../src/core/module/module-setting.ts';
import { CLOUD_CLI_TEST_TEMPLATE } from '../fixtures/api7-startup-template.ts';

const ours = renderStartupTemplate(controlPlaneTemplate({ advertiseHost: 'host.docker.internal', dataPlanePort: 7443, domain: 'cp.example.internal', prefix: '/apisix' }));
const api7 = renderStartupTemplate(CLOUD_CLI_TEST_TEMPLATE);
const IMAGE = 'apache/apisix:3.13.0-debian';

interface Doc {
  apisix: { lua_module_hook: string; extra_lua_path: string; ssl: unknown; enable_admin: boolean };
  nginx_config: { http: { custom_lua_shared_dict: Record<string, string> } };
  etcd?: unknown;
  deployment?: { role: string; role_data_plane: { config_provider: string }; etcd: unknown };
}

test('auto: our hook runs the open agent with the template untouched; hook cloud runs API7 from the default URL', () => {
  const a = chooseModule(ours, 'auto', { env: {}, image: IMAGE });
  assert.equal(a.kind, 'open-agent');
  assert.equal(a.yaml, ours.yaml, 'our own template is written as the control plane sent it');
  assert.deepEqual(a.rewrites, []);

  const b = chooseModule(api7, 'auto', { env: {}, image: IMAGE });
  assert.equal(b.kind, 'api7');
  assert.ok(b.kind === 'api7' && b.url === DEFAULT_API7_MODULE_URL && b.urlSource === 'default');
  assert.equal(b.url, 'https://github.com/api7/cloud-scripts/raw/main/assets/cloud_module_beta.tar.gz');
  assert.equal(b.yaml, api7.yaml, "API7's module gets the template as API7 Cloud wrote it");
});

test('auto refuses a hook that is neither ours nor cloud, naming it', () => {
  const other = renderStartupTemplate('apisix: {lua_module_hook: my_hook}\ndeployment: {etcd: {host: ["https://cp.example"]}}');
  assert.throws(() => chooseModule(other, 'auto', { env: {} }), (e: unknown) => e instanceof ModuleChoiceError && /hook "my_hook", which is neither Gateway Tray's agent \(gateway_tray_agent\.hook\) nor API7's Cloud Lua Module \(cloud\); set the profile's module to open-agent or api7/.test(e.message));
  const none = renderStartupTemplate('deployment: {etcd: {host: ["https://cp.example"]}}');
  assert.throws(() => chooseModule(none, 'auto', { env: {} }), /hook \(none\)/);
  // Explicit choices work for either.
  assert.equal(chooseModule(other, 'open-agent', { env: {} }).kind, 'open-agent');
  assert.equal(chooseModule(none, 'api7', { env: {} }).kind, 'api7');
});

test("open-agent on API7's template: our hook, path and dict instead of API7's, and on APISIX 3.x the 3.x layout", () => {
  const choice = chooseModule(api7, 'open-agent', { env: {}, image: IMAGE });
  assert.equal(choice.kind, 'open-agent');
  const doc = parse(choice.yaml) as Doc;
  assert.equal(doc.apisix.lua_module_hook, 'gateway_tray_agent.hook');
  assert.equal(doc.apisix.extra_lua_path, '/cloud_lua_module/?.lua');
  assert.deepEqual(doc.nginx_config.http.custom_lua_shared_dict, { 'gateway-tray-agent': '1m' }, "API7's dict is dropped");
  assert.equal(doc.etcd, undefined, 'APISIX 3.x would replace a top-level etcd with its default deployment.etcd');
  assert.deepEqual(doc.deployment, {
    role: 'data_plane',
    role_data_plane: { config_provider: 'etcd' },
    etcd: { host: ['https://foo.com:443'], tls: { cert: '/cloud/tls/tls.crt', key: '/cloud/tls/tls.key', sni: 'foo.com', verify: true } },
  });
  // Everything else stays as the template said.
  assert.deepEqual(doc.apisix.ssl, { ssl_trusted_certificate: '/cloud/tls/ca.crt' });
  assert.equal(doc.apisix.enable_admin, false);
  assert.equal(choice.rewrites.length, 2);
  assert.match(choice.rewrites.join('\n'), /lua_module_hook cloud → gateway_tray_agent\.hook/);
  assert.match(choice.rewrites.join('\n'), /top-level etcd → deployment\.etcd/);
  // The rendered config is still readable by the app, in the 3.x layout now.
  const again = renderStartupTemplate(choice.yaml);
  assert.equal(again.layout, 'apisix-3');
  assert.equal(again.dataPlaneUrl, 'https://foo.com:443');
});

test('open-agent keeps the 2.15 layout for an APISIX 2.x image, and other dicts of the template', () => {
  const withDicts = renderStartupTemplate(CLOUD_CLI_TEST_TEMPLATE.replace('      cloud: 1m', '      cloud: 1m\n      my-cache: 10m'));
  const doc = parse(chooseModule(withDicts, 'open-agent', { env: {}, image: 'apache/apisix:2.15.0-centos' }).yaml) as Doc;
  assert.equal(doc.deployment, undefined);
  assert.ok(doc.etcd);
  assert.deepEqual(doc.nginx_config.http.custom_lua_shared_dict, { 'my-cache': '10m', 'gateway-tray-agent': '1m' });
});

test('the image tag names the APISIX major version when it can', () => {
  assert.equal(apisixMajorOfImage('apache/apisix:3.13.0-debian'), 3);
  assert.equal(apisixMajorOfImage('apache/apisix:2.15.0-centos'), 2);
  assert.equal(apisixMajorOfImage('127.0.0.1:5000/gateway-tray/apisix-standin:test'), undefined);
  assert.equal(apisixMajorOfImage('registry.example:5000/apisix'), undefined, 'a registry port is not a tag');
  assert.equal(apisixMajorOfImage('apache/apisix:3.9.1@sha256:' + 'a'.repeat(64)), 3);
  assert.equal(apisixMajorOfImage(undefined), undefined);
});

test("api7: the URL comes from the profile, else API7_CLOUD_LUA_MODULE_URL, else cloud-cli's default", () => {
  const env = { API7_CLOUD_LUA_MODULE_URL: 'http://127.0.0.1:9999/m.tar.gz' };
  const fromEnv = chooseModule(api7, 'api7', { env });
  assert.ok(fromEnv.kind === 'api7' && fromEnv.url === 'http://127.0.0.1:9999/m.tar.gz' && fromEnv.urlSource === 'env');
  const fromProfile = chooseModule(ours, 'https://mirror.example/cloud_module_beta.tar.gz', { env });
  assert.ok(fromProfile.kind === 'api7' && fromProfile.url === 'https://mirror.example/cloud_module_beta.tar.gz' && fromProfile.urlSource === 'profile');
  assert.equal(fromProfile.yaml, ours.yaml, 'a URL means api7, whatever the template names, and the template is left as it is');
  assert.throws(() => chooseModule(api7, 'api7', { env: { API7_CLOUD_LUA_MODULE_URL: 'not a url' } }), /API7_CLOUD_LUA_MODULE_URL is not an http\(s\) URL \(not a url\)/);
  assert.throws(() => chooseModule(api7, 'cloud', { env: {} }), /module setting "cloud" is not valid: the module is one of auto, open-agent, api7, or the http\(s\) URL of a module tarball/);
});

test("mounts: the module folder read-only, plus cloud-cli's two apisix/cli overrides for API7's module", () => {
  assert.deepEqual(moduleMounts('open-agent', '/opt/gt/assets/agent'), [{ hostPath: '/opt/gt/assets/agent', containerPath: '/cloud_lua_module', readOnly: true }]);
  assert.deepEqual(moduleMounts('api7', '/h/modules/ab/cloud_lua_module_beta'), [
    { hostPath: '/h/modules/ab/cloud_lua_module_beta', containerPath: '/cloud_lua_module', readOnly: true },
    { hostPath: '/h/modules/ab/cloud_lua_module_beta/apisix/cli/etcd.ljbc', containerPath: '/usr/local/apisix/apisix/cli/etcd.lua', readOnly: true },
    { hostPath: '/h/modules/ab/cloud_lua_module_beta/apisix/cli/local_storage.ljbc', containerPath: '/usr/local/apisix/apisix/cli/local_storage.lua', readOnly: true },
  ]);
});

test('the setting accepts the three keywords and http(s) URLs only', () => {
  for (const ok of ['auto', 'open-agent', 'api7', 'https://x.example/m.tar.gz', 'http://127.0.0.1:8080/m.tgz?sig=abc']) assert.equal(moduleSettingSchema.safeParse(ok).success, true, ok);
  for (const bad of ['', 'API7', 'cloud', 'ftp://x/m.tgz', 'https://u:p@x/m.tgz', '/tmp/m.tgz', 'x'.repeat(3000)]) assert.equal(moduleSettingSchema.safeParse(bad).success, false, bad);
});
