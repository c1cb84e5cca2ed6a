import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runInShards, type ShardFileResult } from '../runner/shard-pool.ts';
import { fromWire, toWire } from '../runner/shard-wire.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Test files written to a temporary folder (outside test/unit, so no run picks them up). */
function files(sources: Record<string, string>): { dir: string; paths: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'gt-shard-pool-'));
  const paths: Record<string, string> = {};
  for (const [name, source] of Object.entries(sources)) {
    paths[name] = join(dir, `${name}.test.ts`);
    writeFileSync(paths[name], source);
  }
  return { dir, paths };
}

async function runAll(paths: string[], opts: { shards: number; fileTimeoutMs?: number }) {
  const results = new Map<string, ShardFileResult>();
  const notes: string[] = [];
  await runInShards(paths, {
    root: ROOT,
    shards: opts.shards,
    fileTimeoutMs: opts.fileTimeoutMs ?? 30_000,
    exitGraceMs: 3_000,
    onFile: (r) => results.set(r.file, r),
    onNote: (n) => notes.push(n),
  });
  return { results, notes };
}

const passes = (r: ShardFileResult) => r.events.filter((e) => e.type === 'test:pass').map((e) => e.data.name);
const fails = (r: ShardFileResult) => r.events.filter((e) => e.type === 'test:fail').map((e) => e.data.name);

test('each file gets its own events, at its own nesting, and its hooks apply to its own tests only', async () => {
  const { dir, paths } = files({
    hooks: `import { test, beforeEach, after } from 'node:test';
      let n = 0;
      beforeEach(() => { n += 1; });
      after(() => { if (n !== 2) throw new Error('beforeEach ran ' + n + ' times'); });
      test('one', () => {});
      test('two', () => {});`,
    plain: `import { test, describe } from 'node:test';
      describe('group', () => { test('three', () => {}); });`,
  });
  try {
    const { results, notes } = await runAll([paths.hooks!, paths.plain!], { shards: 1 });
    const hooks = results.get(paths.hooks!)!;
    const plain = results.get(paths.plain!)!;
    assert.deepEqual(passes(hooks), ['one', 'two']);
    assert.equal(hooks.fileFailed, false, hooks.problem);
    assert.deepEqual(passes(plain), ['three', 'group']);
    assert.deepEqual(
      plain.events.filter((e) => e.type === 'test:pass').map((e) => e.data.nesting),
      [1, 0],
      'nesting as if the file ran alone',
    );
    assert.equal(plain.fileFailed, false);
    assert.deepEqual(notes, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing, a hanging, a leaking, an unloadable and an exiting file are each failed by name; the rest still run', async () => {
  const { dir, paths } = files({
    failing: `import { test } from 'node:test'; import assert from 'node:assert/strict';
      test('fails on purpose', () => { assert.equal(1 + 1, 3); });`,
    hanging: `import { test, describe } from 'node:test';
      describe('outer', () => { test('hangs on purpose', () => new Promise(() => { setInterval(() => {}, 1000); })); });`,
    leaking: `import { test } from 'node:test'; import { createServer } from 'node:net';
      test('leaves a server and a variable', async () => {
        process.env.GATEWAY_TRAY_SHARD_POOL_TEST = '1';
        await new Promise<void>((r) => createServer().listen(0, '127.0.0.1', r));
      });`,
    unloadable: `import { test } from 'node:test'; import { nothing } from './no-such-module.ts';
      test('never runs', () => { void nothing; });`,
    exiting: `import { test } from 'node:test';
      test('exits', () => { console.log('about to exit'); process.exit(3); });`,
    fine: `import { test } from 'node:test'; test('still runs', () => {});`,
  });
  try {
    const order = ['failing', 'hanging', 'leaking', 'unloadable', 'exiting', 'fine'].map((n) => paths[n]!);
    const { results } = await runAll(order, { shards: 1, fileTimeoutMs: 3_000 });
    assert.equal(results.size, 6);

    const failing = results.get(paths.failing!)!;
    assert.deepEqual(fails(failing), ['fails on purpose']);
    const error = failing.events.find((e) => e.type === 'test:fail')!.data.details as { error: Error & { cause: Error & { expected: unknown } } };
    assert.ok(error.error instanceof Error, 'the error is an Error again, for the TAP reporter');
    assert.equal(error.error.cause.expected, 3);

    const hanging = results.get(paths.hanging!)!;
    assert.equal(hanging.fileFailed, true);
    assert.match(hanging.problem ?? '', /timed out after 3 s, in test "outer" > "hangs on purpose"/);

    const leaking = results.get(paths.leaking!)!;
    assert.deepEqual(passes(leaking), ['leaves a server and a variable']);
    assert.equal(leaking.fileFailed, true);
    assert.match(leaking.problem ?? '', /GATEWAY_TRAY_SHARD_POOL_TEST/);
    assert.match(leaking.problem ?? '', /TCPServerWrap/);
    assert.equal(process.env.GATEWAY_TRAY_SHARD_POOL_TEST, undefined);

    const unloadable = results.get(paths.unloadable!)!;
    assert.equal(unloadable.fileFailed, true);
    const suite = unloadable.wrapped.find((e) => e.type === 'test:fail')!;
    assert.match(String((suite.data.details as { error: Error }).error.message), /no-such-module/);

    const exiting = results.get(paths.exiting!)!;
    assert.equal(exiting.fileFailed, true);
    assert.match(exiting.problem ?? '', /its shard exited \(code 3\)/);
    assert.match(exiting.output, /about to exit/);

    const fine = results.get(paths.fine!)!;
    assert.deepEqual(passes(fine), ['still runs']);
    assert.equal(fine.fileFailed, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('errors cross the wire with what the TAP reporter reads; functions become text', () => {
  const cause = Object.assign(new RangeError('inner'), { code: 'E_INNER' });
  const outer = Object.assign(new Error('outer', { cause }), { failureType: 'testCodeFailure', fn: () => 1 });
  const back = fromWire(structuredClone(toWire({ details: { error: outer } }))) as { details: { error: Error & { cause: Error & { code: string }; failureType: string; fn: unknown } } };
  const e = back.details.error;
  assert.ok(e instanceof Error);
  assert.equal(e.message, 'outer');
  assert.equal(e.failureType, 'testCodeFailure');
  assert.equal(e.stack, outer.stack);
  assert.ok(e.cause instanceof Error);
  assert.equal(e.cause.name, 'RangeError');
  assert.equal(e.cause.code, 'E_INNER');
  assert.equal(typeof e.fn, 'string');
});
