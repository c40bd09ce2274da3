/**
 * The AWS SDK is one release: every @aws-sdk/* package Chatreq depends on is pinned to the same
 * exact version, and the lockfile resolves one @smithy/core (and one @aws-sdk/core) for all of
 * them. Clients from different releases each bring their own core and serde helpers, which grows
 * the lazily loaded AWS chunk and lets two clients behave differently on the same response.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
interface Lockfile {
  packages: Record<string, { version?: string }>;
}

const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync(join(process.cwd(), 'package-lock.json'), 'utf8')) as Lockfile;

/** Every installed copy of `name` in the lockfile (top level and nested), as "path@version". */
function copiesOf(name: string): string[] {
  return Object.entries(lock.packages)
    .filter(([p]) => p === `node_modules/${name}` || p.endsWith(`/node_modules/${name}`))
    .map(([p, v]) => `${p}@${v.version ?? '?'}`);
}

describe('AWS SDK dependencies', () => {
  const sdk = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([name]) => name.startsWith('@aws-sdk/'));

  it('pins every @aws-sdk/* package to one exact version', () => {
    assert.ok(sdk.length >= 4, `expected the four SDK packages, found ${sdk.map(([n]) => n).join(', ')}`);
    for (const [name, range] of sdk) assert.match(range, /^\d+\.\d+\.\d+$/, `${name} is "${range}": pin an exact version (npm install --save-exact)`);
    const versions = new Set(sdk.map(([, v]) => v));
    assert.equal(versions.size, 1, `the @aws-sdk/* packages are at different versions: ${sdk.map(([n, v]) => `${n}@${v}`).join(', ')}`);
  });

  it('the lockfile installs what package.json pins, and one @smithy/core and @aws-sdk/core for all clients', () => {
    for (const [name, version] of sdk) assert.deepEqual(copiesOf(name), [`node_modules/${name}@${version}`], `${name} in package-lock.json`);
    for (const shared of ['@smithy/core', '@aws-sdk/core', '@smithy/types', '@aws-sdk/types']) {
      const copies = copiesOf(shared);
      assert.equal(copies.length, 1, `${shared} is installed more than once: ${copies.join(', ')}`);
    }
    assert.match(pkg.dependencies?.['@smithy/core'] ?? '', /^\d+\.\d+\.\d+$/, '@smithy/core is pinned exactly');
    assert.deepEqual(copiesOf('@smithy/core'), [`node_modules/@smithy/core@${pkg.dependencies?.['@smithy/core']}`]);
  });
});
