import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentEtcd } from '../../src/core/gateway/background-control-plane.ts';
import { writeEtcdRecord } from '../../src/core/gateway/etcd-record.ts';

test("control-plane stop stops the etcd that runs now: etcd.json's, when it was started again on the recorded address", () => {
  const home = mkdtempSync(join(tmpdir(), 'gt-current-etcd-'));
  try {
    const recorded = { url: 'https://127.0.0.1:2379', pid: 100 };
    assert.deepEqual(currentEtcd(home, recorded), recorded, 'no etcd.json: the recorded one');
    writeEtcdRecord(home, { url: 'https://127.0.0.1:2379', pid: 200 });
    assert.deepEqual(currentEtcd(home, recorded), { url: 'https://127.0.0.1:2379', pid: 200 }, 'started again since background.json was written');
    writeEtcdRecord(home, { url: 'https://127.0.0.1:2380', pid: 300 });
    assert.deepEqual(currentEtcd(home, recorded), recorded, "another address is not this control plane's etcd");
    writeEtcdRecord(home, { url: 'https://127.0.0.1:2379', container: 'abc' });
    assert.deepEqual(currentEtcd(home, recorded), { url: 'https://127.0.0.1:2379', container: 'abc' });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
