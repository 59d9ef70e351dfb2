/**
 * The declared Node version and the installed dependencies agree: every package in node_modules
 * accepts the oldest Node that package.json's `engines` allows, so a clean `npm install` on that
 * version prints no EBADENGINE warning and nothing runs on a Node it does not support.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Manifest {
  name?: string;
  version?: string;
  engines?: { node?: string };
}

function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** Every installed package manifest (nested node_modules included). */
function* manifests(dir: string): Generator<Manifest> {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    if (name.startsWith('@')) {
      yield* manifests(path);
      continue;
    }
    const manifest = join(path, 'package.json');
    if (existsSync(manifest)) yield readManifest(manifest);
    yield* manifests(join(path, 'node_modules'));
  }
}

describe('dependencies and the declared Node version', () => {
  const declared = readManifest(join(ROOT, 'package.json')).engines?.node ?? '';
  const oldest = semver.minVersion(declared);

  it('declares a Node 20 minimum', () => {
    expect(oldest?.major).toBe(20);
  });

  it('installs no package that refuses the oldest declared Node', () => {
    const refused: string[] = [];
    let seen = 0;
    for (const m of manifests(join(ROOT, 'node_modules'))) {
      seen++;
      const wants = m.engines?.node;
      if (wants && oldest && !semver.satisfies(oldest, wants))
        refused.push(`${m.name}@${m.version} (node ${wants})`);
    }
    expect(seen).toBeGreaterThan(100);
    expect(refused).toEqual([]);
  });
});
