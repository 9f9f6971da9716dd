import { type Log, runCommand } from '../run-command';

/**
 * Runs a `go build` / `go install -v` for a server the project builds itself, with progress: a
 * line per 50 packages compiled, compiler diagnostics and go command errors (never the
 * "go: downloading" lines). CGO is off unless the environment turns it on: the servers are pure Go.
 */
export function runGo(
  args: string[],
  options: { log: Log; label: string; env: NodeJS.ProcessEnv; cwd?: string },
): Promise<void> {
  const { log, label } = options;
  let packages = 0;
  return runCommand('go', args, {
    log,
    label,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...options.env, CGO_ENABLED: options.env.CGO_ENABLED ?? '0' },
    showLine: (line) => {
      if (/^go: downloading/.test(line)) return false;
      if (++packages % 50 === 0) log(`${label}: ${packages} packages compiled`);
      // compiler diagnostics ("file.go:12:3: …") and go command errors; not package names
      return /\.go:\d+(:\d+)?: |^go: (?!downloading)/.test(line);
    },
  });
}
