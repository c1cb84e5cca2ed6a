import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { renderStartupTemplate as controlPlaneTemplate } from '../../src/control-plane/template/apisix-config.ts';
import { renderGoTemplate, renderStartupTemplate, TemplateError } from '../../src/core/gateway/template.ts';
import { CLOUD_CLI_TEST_TEMPLATE } from '../fixtures/api7-startup-template.ts';

test('the control plane template renders with the PROTOCOL §4 folders and names its config centre', () => {
  const template = controlPlaneTemplate({ advertiseHost: 'host.docker.internal', dataPlanePort: 7443, domain: 'cp.example.internal', prefix: '/apisix' });
  const rendered = renderStartupTemplate(template);
  assert.equal(rendered.layout, 'apisix-3');
  assert.equal(rendered.hook, 'gateway_tray_agent.hook');
  assert.equal(rendered.dataPlaneUrl, 'https://host.docker.internal:7443');
  assert.deepEqual(rendered.hosts, ['https://host.docker.internal:7443']);
  assert.equal(rendered.sni, 'cp.example.internal');
  assert.ok(!rendered.yaml.includes('{{'));
  const doc = parse(rendered.yaml) as { apisix: { extra_lua_path: string; ssl: { ssl_trusted_certificate: string } }; deployment: { etcd: { tls: { cert: string; key: string } } } };
  assert.equal(doc.apisix.extra_lua_path, '/cloud_lua_module/?.lua');
  assert.equal(doc.apisix.ssl.ssl_trusted_certificate, '/cloud/tls/ca.crt');
  assert.equal(doc.deployment.etcd.tls.cert, '/cloud/tls/tls.crt');
  assert.equal(doc.deployment.etcd.tls.key, '/cloud/tls/tls.key');
});

test("API7 Cloud's template (cloud-cli's test shape: spaces, 2.15 layout, hook cloud) renders as cloud-cli renders it", () => {
  const rendered = renderStartupTemplate(CLOUD_CLI_TEST_TEMPLATE);
  assert.equal(rendered.layout, 'apisix-2.15');
  assert.equal(rendered.hook, 'cloud');
  assert.deepEqual(rendered.hosts, ['https://foo.com:443']);
  assert.equal(rendered.dataPlaneUrl, 'https://foo.com:443');
  assert.equal(rendered.sni, 'foo.com');
  // Text substitution only: the rendered file is the template with the two variables filled in.
  assert.equal(rendered.yaml, CLOUD_CLI_TEST_TEMPLATE.replaceAll('{{ .TLSDir }}', '/cloud/tls').replaceAll('{{ .CloudModuleDir }}', '/cloud_lua_module'));
  const doc = rendered.doc as { apisix: { extra_lua_path: string; ssl: { ssl_trusted_certificate: string } }; etcd: { tls: { cert: string; key: string; verify: boolean } }; nginx_config: unknown };
  assert.equal(doc.apisix.extra_lua_path, '/cloud_lua_module/?.ljbc;');
  assert.equal(doc.apisix.ssl.ssl_trusted_certificate, '/cloud/tls/ca.crt');
  assert.deepEqual(doc.etcd.tls, { cert: '/cloud/tls/tls.crt', key: '/cloud/tls/tls.key', sni: 'foo.com', verify: true });
  assert.deepEqual(doc.nginx_config, { http: { custom_lua_shared_dict: { cloud: '1m' } } });
});

test('Go variables with or without spaces; any other action is refused by name, with its line', () => {
  assert.equal(renderGoTemplate('a: {{.TLSDir}}\nb: {{ .TLSDir }}\nc: {{   .CloudModuleDir\t}}'), 'a: /cloud/tls\nb: /cloud/tls\nc: /cloud_lua_module');
  assert.equal(renderGoTemplate('no actions at all'), 'no actions at all');
  const refuses = (template: string, pattern: RegExp): void => {
    assert.throws(() => renderStartupTemplate(template), (e: unknown) => e instanceof TemplateError && pattern.test(e.message), template);
  };
  refuses('apisix: {x: "{{.Secret}}"}', /placeholder the app does not know \(\{\{\.Secret\}\}, line 1\)/);
  refuses('a: 1\nb: {{ .ImageTag }}', /placeholder the app does not know \(\{\{ \.ImageTag \}\}, line 2\)/);
  refuses('x: {{- .TLSDir -}}', /template action the app does not render \(\{\{- \.TLSDir -\}\}, line 1\); only \{\{ \.CloudModuleDir \}\} and \{\{ \.TLSDir \}\} are known/);
  refuses('x: {{ if .TLSDir }}y{{ end }}', /template action the app does not render \(\{\{ if \.TLSDir \}\}/);
  refuses('x: {{/* note */}}', /template action the app does not render \(\{\{\/\* note \*\/\}\}/);
  refuses('x: {{ .TLSDir | printf "%s" }}', /template action the app does not render/);
  refuses('x: 1\ny: {{ .TLSDir', /unclosed action at line 2/);
});

test('a config centre is read from either layout, in any role; a template without one is refused saying where it looks', () => {
  const traditional = renderStartupTemplate('deployment:\n  role: traditional\n  etcd:\n    host: ["http://etcd.internal:2379"]\n');
  assert.equal(traditional.layout, 'apisix-3');
  assert.equal(traditional.dataPlaneUrl, 'http://etcd.internal:2379');
  assert.equal(traditional.sni, undefined);
  assert.equal(traditional.hook, undefined);
  const single = renderStartupTemplate('etcd:\n  host: "https://cp.example:443"\n');
  assert.deepEqual(single.hosts, ['https://cp.example:443'], 'a single host string is a list of one');
  // APISIX 3.x ignores a top-level etcd once deployment is there, and so does the app.
  const both = renderStartupTemplate('etcd: {host: ["https://old.example"]}\ndeployment: {role: data_plane, etcd: {host: ["https://new.example"], tls: {sni: new.example}}}');
  assert.equal(both.dataPlaneUrl, 'https://new.example');
  assert.equal(both.sni, 'new.example');

  assert.throws(() => renderStartupTemplate('apisix: [unclosed'), /not valid YAML/);
  assert.throws(() => renderStartupTemplate('- a list'), /not an APISIX config\.yaml \(not a YAML mapping\)/);
  assert.throws(() => renderStartupTemplate('deployment: {role: traditional}'), /deployment\.etcd\.host must list at least one http\(s\) URL/);
  assert.throws(() => renderStartupTemplate('deployment: {role: data_plane, etcd: {host: []}}'), /deployment\.etcd\.host must list/);
  assert.throws(() => renderStartupTemplate('apisix: {enable_admin: false}'), /: etcd\.host must list at least one http\(s\) URL \(APISIX 3\.x: deployment\.etcd\.host; APISIX 2\.15: a top-level etcd\.host\)/);
  assert.throws(() => renderStartupTemplate('etcd: {host: ["foo.com:443"]}'), /etcd\.host must list at least one http\(s\) URL/);
});
