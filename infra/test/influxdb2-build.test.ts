import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keepOnlyFinishedLibflux } from '../src/services/influxdb2-build';

/** A Go build cache as an interrupted build leaves it: compiled packages, pkg-config's libflux copy, maybe its library. */
const created: string[] = [];
afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function goCacheWith(library?: { content: string; hashOf?: string }) {
  const goCache = mkdtempSync(join(tmpdir(), 'gocache-'));
  created.push(goCache);
  const compiled = join(goCache, '0a', '0a1b-d');
  mkdirSync(join(goCache, '0a'));
  writeFileSync(compiled, 'compiled package');
  const sourceCopy = join(goCache, 'pkgconfig', 'github.com', 'influxdata', 'flux@v0.194.5', 'libflux');
  mkdirSync(sourceCopy, { recursive: true });
  writeFileSync(join(sourceCopy, 'Cargo.toml'), '[package]');
  let libraryPath: string | undefined;
  if (library) {
    const libDir = join(goCache, 'pkgconfig', 'linux_amd64', 'lib');
    mkdirSync(libDir, { recursive: true });
    const hash = createHash('sha256').update(library.hashOf ?? library.content).digest('hex');
    libraryPath = join(libDir, `libflux-${hash}.a`);
    writeFileSync(libraryPath, library.content);
  }
  return { goCache, compiled, sourceCopy: join(goCache, 'pkgconfig', 'github.com'), libraryPath };
}

describe('keepOnlyFinishedLibflux', () => {
  it('keeps the compiled packages and the built library, and drops the libflux source copy', () => {
    const cache = goCacheWith({ content: 'whole archive' });
    keepOnlyFinishedLibflux(cache.goCache);
    expect(existsSync(cache.compiled)).toBe(true);
    expect(existsSync(cache.libraryPath!)).toBe(true);
    expect(existsSync(cache.sourceCopy)).toBe(false);
  });

  it('drops the whole Go cache when the library was cut short, so pkg-config is asked to build it again', () => {
    const cache = goCacheWith({ content: 'half an arch', hashOf: 'whole archive' });
    keepOnlyFinishedLibflux(cache.goCache);
    expect(existsSync(cache.goCache)).toBe(false);
  });

  it('drops the whole Go cache when no library was built (a cached cgo package would link a missing one)', () => {
    const cache = goCacheWith();
    keepOnlyFinishedLibflux(cache.goCache);
    expect(existsSync(cache.goCache)).toBe(false);
  });
});
