import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Log, runCommand } from '../run-command';
import { runGo } from './go-build';

/**
 * How InfluxDB OSS 2.x is built from its Go module source (no release binaries are fetched):
 * Flux's Rust library (libflux) is compiled by cargo when `go build` asks influxdata's pkg-config
 * for `flux`; SQLite is compiled by cgo.
 */
export const INFLUXDB2_VERSION = '2.7.12';
const MODULE = 'github.com/influxdata/influxdb/v2';
/** The pkg-config helper that builds libflux (the version influxdb's go.mod pins). */
const PKG_CONFIG_MODULE = 'github.com/influxdata/pkg-config@v0.2.14';
/** About how many packages `go build -v` lists (progress lines only). */
const EXPECTED_PACKAGES = 1_400;

/**
 * RUSTC_WRAPPER: cargo runs `<wrapper> <rustc> <args…>`. libflux has `#![deny(warnings)]` and pins
 * Rust 1.72; a newer rustc adds lints that would fail it. RUSTFLAGS does not reach the build
 * dependencies (cargo is given --target), so lints are capped here for every crate cargo did not
 * cap already.
 */
export const RUSTC_WRAPPER_SCRIPT = `#!/bin/sh
rustc="$1"; shift
case " $* " in
  *" --cap-lints "*) exec "$rustc" "$@" ;;
  *) exec "$rustc" "$@" --cap-lints warn ;;
esac
`;

/** Everything that decides the binary: a change here builds a new one beside the old. */
export const INFLUXDB2_RECIPE = {
  module: `${MODULE}@v${INFLUXDB2_VERSION}`,
  pkgConfig: PKG_CONFIG_MODULE,
  // The tags of influxdb's own GNUmakefile (COMMON_TAGS), without `assets`: the UI is not built.
  tags: 'sqlite_foreign_keys,sqlite_json',
  ldflags: `-s -w -X main.version=v${INFLUXDB2_VERSION} -X main.commit=module-v${INFLUXDB2_VERSION}`,
  rustcWrapper: RUSTC_WRAPPER_SCRIPT,
} as const;

export function influxdb2RecipeKey(recipe: object = INFLUXDB2_RECIPE): string {
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);
}

export interface Influxdb2Paths {
  /** `<cache>/influxdb-<version>-<recipe key>/bin/influxd`: exists only once a build completed. */
  binary: string;
  /** `<cache>/influxdb-<version>-<recipe key>.build/`: sources, Go build cache, cargo output. */
  workDir: string;
}

export function influxdb2Paths(cacheDir: string): Influxdb2Paths {
  const name = `influxdb-${INFLUXDB2_VERSION}-${influxdb2RecipeKey()}`;
  return { binary: join(cacheDir, name, 'bin', 'influxd'), workDir: join(cacheDir, `${name}.build`) };
}

/** Go's module cache is read-only: gives the owner write access so a copy can be built in and deleted. */
function makeWritable(path: string): void {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  if (stat.isSymbolicLink()) return;
  chmodSync(path, stat.mode | 0o200);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

function removeTree(path: string): void {
  makeWritable(path);
  rmSync(path, { recursive: true, force: true });
}

/** `lib<name>-<sha256 of its content>.a`: how pkg-config names the libraries it built. */
const BUILT_LIBRARY = /^lib.+-([0-9a-f]{64})\.a$/;

/** True for a library whose content still matches the hash in its name (not cut short while copied). */
function isWholeLibrary(path: string, name: string): boolean {
  const expected = BUILT_LIBRARY.exec(name)?.[1];
  return expected !== undefined && createHash('sha256').update(readFileSync(path)).digest('hex') === expected;
}

/**
 * Prepares the Go build cache of an earlier, unfinished attempt. pkg-config copies the read-only
 * libflux source to `$GOCACHE/pkgconfig/<module>@<version>` and reuses that copy whenever it
 * exists, even half-written: the copy goes. The libraries it built (`pkgconfig/<target>/lib`) must
 * stay, because Go may have cached the cgo package that links them and then never asks pkg-config
 * again; without a whole library the Go cache goes too, so that pkg-config is asked and builds it.
 */
export function keepOnlyFinishedLibflux(goCache: string): void {
  const pkgConfigDir = join(goCache, 'pkgconfig');
  if (!existsSync(pkgConfigDir)) {
    removeTree(goCache);
    return;
  }
  let libraries = 0;
  for (const entry of readdirSync(pkgConfigDir)) {
    const libDir = join(pkgConfigDir, entry, 'lib');
    if (!existsSync(libDir)) {
      removeTree(join(pkgConfigDir, entry));
      continue;
    }
    for (const name of readdirSync(libDir)) {
      const path = join(libDir, name);
      if (isWholeLibrary(path, name)) libraries++;
      else rmSync(path, { force: true });
    }
  }
  if (libraries === 0) removeTree(goCache);
}

/** The rustup toolchain active outside libflux (whose rust-toolchain.toml asks for 1.72). */
async function activeRustToolchain(cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.RUSTUP_TOOLCHAIN?.trim()) return env.RUSTUP_TOOLCHAIN.trim();
  try {
    const out = await runCommand('rustup', ['show', 'active-toolchain'], {
      cwd,
      env,
      log: () => undefined,
      label: 'rustup',
      keepStdout: true,
    });
    // "stable-x86_64-unknown-linux-gnu (default)"
    return /^\s*(\S+)/.exec(out)?.[1];
  } catch {
    return undefined; // no rustup: rustc/cargo from the system, which ignore rust-toolchain.toml
  }
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

/**
 * Builds influxd into `paths.binary`. The binary is written beside its final name and renamed only
 * after the build succeeded and the binary reports the expected version, so a failed or
 * interrupted build never counts as installed; the next attempt starts over, reusing the Go build
 * cache of the work dir only where that is safe ({@link keepOnlyFinishedLibflux}). The work dir
 * (~2.5 GB, with the whole `go build` output in build.log) is kept after a failure, removed after a
 * success.
 */
export async function buildInfluxdb2(paths: Influxdb2Paths, env: NodeJS.ProcessEnv, log: Log): Promise<void> {
  const label = 'influxdb2';
  const started = Date.now();
  const work = paths.workDir;
  const binDir = join(work, 'bin');
  const goCache = join(work, 'gocache');
  const source = join(work, 'src');
  const partial = join(work, 'influxd.partial');
  const buildLog = join(work, 'build.log');
  mkdirSync(binDir, { recursive: true });
  keepOnlyFinishedLibflux(goCache);
  rmSync(partial, { force: true });
  rmSync(buildLog, { force: true });
  const wrapper = join(binDir, 'rustc-caplints');
  writeFileSync(wrapper, RUSTC_WRAPPER_SCRIPT, { mode: 0o755 });

  const goEnv: NodeJS.ProcessEnv = { ...env, GOTOOLCHAIN: 'local', GOCACHE: goCache };
  delete goEnv.CARGO_TARGET_DIR; // pkg-config expects cargo's output under libflux/target
  delete goEnv.CARGO_BUILD_TARGET_DIR;

  log(`${label}: [1/4] building ${PKG_CONFIG_MODULE} (builds Flux's Rust library when Go asks for it)`);
  await runGo(['install', INFLUXDB2_RECIPE.pkgConfig], { log, label, env: { ...goEnv, GOBIN: binDir } });

  let step = Date.now();
  log(`${label}: [2/4] fetching the ${INFLUXDB2_RECIPE.module} source`);
  const info = JSON.parse(
    await runCommand('go', ['mod', 'download', '-json', INFLUXDB2_RECIPE.module], { log, label, cwd: work, env: goEnv, keepStdout: true }),
  ) as { Dir?: string; Error?: string };
  if (info.Dir === undefined) throw new Error(`${label}: go mod download found no source: ${info.Error ?? 'no Dir'}`);
  // `go install …@v2.7.12` is refused (its go.mod has a replace directive): build a writable copy.
  removeTree(source);
  cpSync(info.Dir, source, { recursive: true });
  makeWritable(source);

  log(`${label}: [3/4] downloading its Go modules (about 1.4 GB into Go's module cache the first time)`);
  await runCommand('go', ['mod', 'download'], { log, label, cwd: source, env: goEnv });
  log(`${label}: modules ready in ${seconds(step)}`);

  step = Date.now();
  const toolchain = await activeRustToolchain(work, env);
  log(
    `${label}: [4/4] go build ./cmd/influxd: libflux with cargo${toolchain ? ` (Rust toolchain ${toolchain})` : ''}, ` +
      `SQLite with cgo, ~${EXPECTED_PACKAGES.toLocaleString('en-US')} Go packages (about 5 minutes on 2 cores)`,
  );
  const buildEnv: NodeJS.ProcessEnv = {
    ...goEnv,
    CGO_ENABLED: '1',
    PKG_CONFIG: join(binDir, 'pkg-config'),
    RUSTC_WRAPPER: wrapper,
    ...(toolchain === undefined ? {} : { RUSTUP_TOOLCHAIN: toolchain }),
  };
  await runGo(
    ['build', '-v', '-trimpath', '-tags', INFLUXDB2_RECIPE.tags, '-ldflags', INFLUXDB2_RECIPE.ldflags, '-o', partial, './cmd/influxd'],
    { log, label, cwd: source, env: buildEnv, expectedPackages: EXPECTED_PACKAGES, outputFile: buildLog },
  );
  log(`${label}: go build finished in ${seconds(step)}`);

  const version = await runCommand(partial, ['version'], { log, label, env, keepStdout: true });
  if (!version.includes(`v${INFLUXDB2_VERSION}`)) {
    throw new Error(`${label}: the built influxd reports "${version.trim()}", expected v${INFLUXDB2_VERSION}`);
  }
  mkdirSync(dirname(paths.binary), { recursive: true });
  renameSync(partial, paths.binary);
  removeTree(work);
  log(`${label}: built ${paths.binary} in ${seconds(started)} (${version.trim()}); removed the build directory`);
}
