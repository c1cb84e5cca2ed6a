import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createFileAtomic, ensureDir, writeFileAtomic } from '../../src/core/credentials/atomic-write.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gt-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
const moduleUrl = new URL('../../src/core/credentials/atomic-write.ts', import.meta.url).href;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('writeFileAtomic', () => {
  test('writes the exact mode whatever the umask, and replaces a looser file', () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'old', { mode: 0o666 });
    const previous = process.umask(0o000);
    try {
      writeFileAtomic(path, 'new', 0o600);
    } finally {
      process.umask(previous);
    }
    assert.equal(readFileSync(path, 'utf8'), 'new');
    assert.equal(mode(path), 0o600);
    assert.deepEqual(readdirSync(dir), ['f']);
  });

  test('a failed write leaves the old file whole and no temp file behind', () => {
    const target = join(dir, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'occupied'), 'x');
    assert.throws(() => writeFileAtomic(target, 'data'));
    assert.deepEqual(readdirSync(dir), ['target']);
  });

  test('readers and a killed writer never see a partial file', async () => {
    // A child rewrites the file with 4 MiB of one letter, then another, as fast as it can; we read it
    // concurrently, then SIGKILL the child mid-stream. Every read, and the final file, must be whole.
    const path = join(dir, 'key');
    const size = 4 * 1024 * 1024;
    writeFileAtomic(path, 'A'.repeat(size));
    const script = `
      import { writeFileAtomic } from ${JSON.stringify(moduleUrl)};
      const a = 'A'.repeat(${size}), b = 'B'.repeat(${size});
      process.stdout.write('ready\\n');
      for (let i = 0; ; i++) writeFileAtomic(${JSON.stringify(path)}, i % 2 ? a : b);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
      });
      const seen = new Set<string>();
      // Made once: building two 4 MiB strings for every read cost most of this test's time.
      const wholeA = 'A'.repeat(size);
      const wholeB = 'B'.repeat(size);
      const deadline = Date.now() + 20_000;
      for (let reads = 0; reads < 300 && Date.now() < deadline; reads++) {
        const content = readFileSync(path, 'latin1');
        assert.equal(content.length, size);
        assert.ok(content === wholeA || content === wholeB, 'a whole file of one letter');
        seen.add(content[0]!);
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(seen.size, 2, 'the writer really was replacing the file while we read');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    const final = readFileSync(path, 'latin1');
    assert.ok(final === 'A'.repeat(size) || final === 'B'.repeat(size));
  });
});

describe('createFileAtomic', () => {
  test('creates once; a second call changes nothing and says so', () => {
    const path = join(dir, 'id');
    assert.equal(createFileAtomic(path, 'first', 0o644), true);
    assert.equal(createFileAtomic(path, 'second', 0o644), false);
    assert.equal(readFileSync(path, 'utf8'), 'first');
    assert.equal(mode(path), 0o644);
    assert.deepEqual(readdirSync(dir), ['id']);
  });
});

describe('ensureDir', () => {
  test('sets the mode on new and existing folders', () => {
    const sub = join(dir, 'a', 'b');
    ensureDir(sub);
    assert.equal(mode(sub), 0o700);
    ensureDir(sub, 0o750);
    assert.equal(mode(sub), 0o750);
  });
});
