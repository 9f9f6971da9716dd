import { type Log, runCommand } from '../run-command';

/** A line of `go build -v` naming a package it compiled (an import path), not a diagnostic. */
const PACKAGE_LINE = /^[A-Za-z0-9._~/-]+$/;

/**
 * Runs a `go build` / `go install -v` for a server the project builds itself, with progress: a
 * line per 50 packages compiled (out of about `expectedPackages` when given) and every other line
 * (compiler and cgo diagnostics, go command errors), never the "go: downloading" lines. A failure
 * quotes the diagnostics, not the packages listed after them. CGO is off unless the environment
 * turns it on: the servers are pure Go, except InfluxDB 2 (Flux's Rust library, SQLite).
 */
export async function runGo(
  args: string[],
  options: { log: Log; label: string; env: NodeJS.ProcessEnv; cwd?: string; expectedPackages?: number; outputFile?: string },
): Promise<void> {
  const { label } = options;
  const of = options.expectedPackages === undefined ? '' : `/~${options.expectedPackages.toLocaleString('en-US')}`;
  let packages = 0;
  await runCommand('go', args, {
    log: options.log,
    label,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.outputFile === undefined ? {} : { outputFile: options.outputFile }),
    env: { ...options.env, CGO_ENABLED: options.env.CGO_ENABLED ?? '0' },
    showLine: (line) => {
      if (/^go: downloading/.test(line)) return false;
      if (!PACKAGE_LINE.test(line)) return true;
      return ++packages % 50 === 0 ? `${packages}${of} packages compiled` : false;
    },
    errorLine: (line) => !PACKAGE_LINE.test(line) && !/^go: downloading/.test(line),
  });
}
