import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specDigestOf } from '../../src/core/engine/containers.ts';
import { LABEL_SPEC } from '../../src/core/engine/labels.ts';
import { requestDigest } from '../../src/core/engine/spec-digest.ts';
import type { ContainerInfo } from '../../src/core/engine/types.ts';
import { gatewayContainerSpec, portBindings, type SpecInput } from '../../src/core/gateway/container-spec.ts';
import { containerNameFor, instancePaths } from '../../src/core/gateway/paths.ts';
import { mayStartAgain, sameAsNew } from '../../src/core/gateway/start-again.ts';
import { moduleMounts } from '../../src/core/module/choose-module.ts';

const ID = '3f2a0b1c-1111-4222-8333-944445555666';
const IMAGE_ID = 'sha256:aaaa';
const input: SpecInput = {
  image: 'apache/apisix:3.13.0-debian',
  profile: 'local',
  instanceName: 'default',
  instanceId: ID,
  containerName: containerNameFor('local', 'default', ID),
  paths: instancePaths('/home/u/.gateway-tray', 'local', 'default'),
  moduleMounts: moduleMounts('open-agent', '/opt/gt/assets/agent'),
  module: 'open-agent',
  bindings: portBindings({ http: 1, https: 2, control: 3, prometheus: 4 }),
  bundle: { certificate: 'CERT', caCertificate: 'CA' },
};

/** A container as Docker describes one made from `made`, stopped with `exitCode`. */
function stopped(made: SpecInput, extra: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    id: 'c1',
    name: made.containerName,
    image: made.image,
    imageId: IMAGE_ID,
    status: 'exited',
    running: false,
    exitCode: 0,
    labels: { [LABEL_SPEC]: specDigestOf(gatewayContainerSpec(made)) },
    ports: [],
    ...extra,
  };
}

test('a request digest does not depend on the order its keys were written in', () => {
  assert.equal(requestDigest({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }), requestDigest({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }));
  assert.notEqual(requestDigest({ a: [1, 2] }), requestDigest({ a: [2, 1] }), 'an array keeps its order');
  assert.equal(requestDigest({ a: 1, b: undefined }), requestDigest({ a: 1 }), 'JSON leaves undefined out');
});

test('a stopped container is started again only when a new one would be the same: request, certificate and image', () => {
  const spec = gatewayContainerSpec(input);
  const same = stopped(input);
  assert.equal(sameAsNew([same], spec, IMAGE_ID), same);
  assert.equal(sameAsNew([stopped({ ...input, bundle: { certificate: 'RENEWED', caCertificate: 'CA' } })], spec, IMAGE_ID), undefined, 'another certificate');
  assert.equal(sameAsNew([stopped({ ...input, bindings: portBindings({ http: 5, https: 2, control: 3, prometheus: 4 }) })], spec, IMAGE_ID), undefined, 'another port');
  assert.equal(sameAsNew([stopped({ ...input, moduleMounts: moduleMounts('open-agent', '/opt/gt2/assets/agent') })], spec, IMAGE_ID), undefined, 'another module folder');
  assert.equal(sameAsNew([same], spec, 'sha256:bbbb'), undefined, 'the tag names a newer image now');
  assert.equal(sameAsNew([{ ...same, imageId: undefined }], spec, IMAGE_ID), undefined);
});

test('only a clean stop may be started again: not a crash, a never-started container or one without the label', () => {
  assert.equal(mayStartAgain(stopped(input)), true);
  assert.equal(mayStartAgain(stopped(input, { exitCode: 1 })), false, 'crashed');
  assert.equal(mayStartAgain(stopped(input, { exitCode: 137 })), false, 'killed');
  assert.equal(mayStartAgain(stopped(input, { status: 'created', exitCode: undefined })), false, 'never started: its bundle may not be in');
  assert.equal(mayStartAgain(stopped(input, { status: 'dead' })), false);
  assert.equal(mayStartAgain(stopped(input, { labels: {} })), false, 'made before the label');
});
