import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { catalogue } from '../../src/contract/i18n.ts';

const dir = resolve(import.meta.dirname, '../../src/contract/messages-en');

// One object literal refused a key written twice; spread parts would let the later one win in silence.
test('the English parts share no key and no prefix, and together are the catalogue', async () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 1, 'the catalogue is split into parts');
  const ownerOfKey = new Map<string, string>();
  const ownerOfPrefix = new Map<string, string>();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, Record<string, string>>;
    const parts = Object.values(mod);
    assert.equal(parts.length, 1, `${file} exports one part`);
    for (const key of Object.keys(parts[0]!)) {
      assert.equal(ownerOfKey.get(key), undefined, `${key} is in ${ownerOfKey.get(key)} and ${file}`);
      ownerOfKey.set(key, file);
      const prefix = key.split('.')[0]!;
      const owner = ownerOfPrefix.get(prefix) ?? file;
      assert.equal(owner, file, `keys of '${prefix}.' are in ${owner} and ${file}`);
      ownerOfPrefix.set(prefix, file);
    }
  }
  assert.deepEqual([...ownerOfKey.keys()].sort(), Object.keys(catalogue).sort());
});
