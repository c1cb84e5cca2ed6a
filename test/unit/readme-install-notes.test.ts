/**
 * Two README details from the new-user run: how to install where Electron's download is blocked, and a
 * Node version that matches what the dependencies declare (engines once said ≥ 20.19 while electron 45
 * declares ≥ 22.12, and the README said neither).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string }; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const enginesOf = (dep: string): string | undefined =>
  (JSON.parse(readFileSync(new URL(`node_modules/${dep}/package.json`, root), 'utf8')) as { engines?: { node?: string } }).engines?.node;

test('the README says how to install where the Electron download is blocked', () => {
  assert.match(readme, /ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install/);
  assert.match(readme, /gateway-tray ui --web/);
});

test("the README states package.json's Node range, and electron's own requirement beside it", () => {
  assert.ok(readme.includes(`\`engines\` says \`${pkg.engines.node}\``), `README quotes engines ${pkg.engines.node}`);
  const electron = enginesOf('electron');
  assert.ok(electron, 'electron declares a Node version');
  const min = /(\d+\.\d+)/.exec(electron)?.[1];
  assert.ok(min && readme.includes(`Node ≥ ${min}`), `README says electron needs Node ≥ ${min}`);
});

test('every dependency that declares a Node range accepts the lowest Node that engines allows on each line it names', () => {
  // engines is "^20.19.0 || >=22.12.0": its floors are 20.19.0 and 22.12.0. Electron is the known exception
  // (its installer needs Node 22.12, as the README says), so it is checked against the second floor only.
  const floors = [...pkg.engines.node.matchAll(/(\d+)\.(\d+)\.(\d+)/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])] as const);
  const satisfies = (v: readonly [number, number, number], range: string): boolean =>
    range.split('||').some((part) => {
      const p = part.trim();
      const m = /^(\^|>=\s*)?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(p);
      if (!m) return true; // a form this check does not read is not judged
      const want = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)] as const;
      const cmp = v[0] - want[0] || v[1] - want[1] || v[2] - want[2];
      return m[1]?.startsWith('>=') ? cmp >= 0 : m[1] === '^' ? v[0] === want[0] && cmp >= 0 : cmp === 0;
    });
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
    let range: string | undefined;
    try {
      range = enginesOf(dep);
    } catch {
      continue; // not installed here (an optional one)
    }
    if (!range) continue;
    const checked = dep === 'electron' ? floors.slice(1) : floors;
    for (const f of checked) assert.ok(satisfies(f, range), `${dep} declares node ${range}, which Node ${f.join('.')} does not satisfy`);
  }
});
