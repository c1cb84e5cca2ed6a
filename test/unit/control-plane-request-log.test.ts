import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loggablePath } from '../../src/control-plane/management/request-log.ts';

test('the logged path keeps the query, except the values of secret-looking parameters', () => {
  assert.equal(loggablePath('/api/v1/clusters/1/instances?page=2&page_size=5'), '/api/v1/clusters/1/instances?page=2&page_size=5');
  assert.equal(loggablePath('/api/v1/user/me?token=abc&Access_Key=def&x-hmac-signature=ghi&password=p&page=1'), '/api/v1/user/me?token=[redacted]&Access_Key=[redacted]&x-hmac-signature=[redacted]&password=[redacted]&page=1');
  assert.equal(loggablePath(undefined), '/');
});

test('a URL that does not parse logs only its part before the query; a huge one is cut', () => {
  assert.equal(loggablePath('//[bad?token=abc'), '//[bad');
  const long = loggablePath(`/api/v1/${'x'.repeat(2000)}`);
  assert.equal(long.length, 513);
  assert.ok(long.endsWith('…'));
});
