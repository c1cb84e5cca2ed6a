import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { renderStartupTemplate as controlPlaneTemplate } from '../../src/control-plane/template/apisix-config.ts';
import { renderStartupTemplate, TemplateError } from '../../src/core/gateway/template.ts';

test('the control plane template renders with the PROTOCOL §4 folders and names its config centre', () => {
  const template = controlPlaneTemplate({ advertiseHost: 'host.docker.internal', dataPlanePort: 7443, domain: 'cp.example.internal', prefix: '/apisix' });
  const rendered = renderStartupTemplate(template);
  assert.equal(rendered.dataPlaneUrl, 'https://host.docker.internal:7443');
  assert.equal(rendered.sni, 'cp.example.internal');
  assert.ok(!rendered.yaml.includes('{{'));
  const doc = parse(rendered.yaml) as { apisix: { extra_lua_path: string; ssl: { ssl_trusted_certificate: string } }; deployment: { etcd: { tls: { cert: string; key: string } } } };
  assert.equal(doc.apisix.extra_lua_path, '/cloud_lua_module/?.lua');
  assert.equal(doc.apisix.ssl.ssl_trusted_certificate, '/cloud/tls/ca.crt');
  assert.equal(doc.deployment.etcd.tls.cert, '/cloud/tls/tls.crt');
  assert.equal(doc.deployment.etcd.tls.key, '/cloud/tls/tls.key');
});

test('an unknown placeholder, broken YAML or a config without a config centre is refused with what to do', () => {
  assert.throws(() => renderStartupTemplate('apisix: {x: "{{.Secret}}"}'), (e: unknown) => e instanceof TemplateError && /placeholder the app does not know \(\{\{\.Secret\}\}\)/.test(e.message));
  assert.throws(() => renderStartupTemplate('apisix: [unclosed'), /not valid YAML/);
  assert.throws(() => renderStartupTemplate('deployment: {role: traditional}'), /not an APISIX data_plane config\.yaml/);
  assert.throws(() => renderStartupTemplate('deployment: {role: data_plane, etcd: {host: []}}'), /deployment\.etcd\.host/);
});
