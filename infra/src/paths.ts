import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Env = Readonly<Record<string, string | undefined>>;

/** The repository root, found from this file's location (infra/src/paths.ts). */
export const repoRoot: string = fileURLToPath(new URL('../..', import.meta.url));

/** The infra workspace folder (holds the Kafka pom, the SMTP catcher entry, …). */
export const infraRoot: string = join(repoRoot, 'infra');

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(repoRoot, path);
}

/**
 * Where downloads and builds are kept between runs (outside the repository):
 * `FLEET_CACHE_DIR`, else `$XDG_CACHE_HOME/fleet-telemetry`, else `~/.cache/fleet-telemetry`.
 */
export function cacheDir(env: Env = process.env): string {
  const explicit = nonEmpty(env.FLEET_CACHE_DIR);
  if (explicit !== undefined) return absolute(explicit);
  const xdg = nonEmpty(env.XDG_CACHE_HOME);
  return join(xdg ?? join(homedir(), '.cache'), 'fleet-telemetry');
}

/** Runtime data, logs and pid files: `FLEET_DATA_DIR`, else `<repo>/.local` (git-ignored). */
export function dataDir(env: Env = process.env): string {
  const explicit = nonEmpty(env.FLEET_DATA_DIR);
  return explicit !== undefined ? absolute(explicit) : join(repoRoot, '.local');
}

/** `<dataDir>/<service>`: one folder per local service. */
export function serviceDataDir(service: string, env: Env = process.env): string {
  return join(dataDir(env), service);
}
