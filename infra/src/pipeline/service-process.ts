import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface ServiceSpec {
  name: string;
  /** Workspace folder under the repository root. */
  dir: string;
  /** Port of its /healthz /readyz /metrics endpoints. */
  opsPort: number;
  env: Record<string, string>;
  /** Extra Node.js flags (e.g. a larger young generation for the processors). */
  nodeArgs?: string[];
}

export interface RunningService {
  spec: ServiceSpec;
  child: ChildProcess;
  logFile: string;
  stop(timeoutMs?: number): Promise<void>;
}

/** Starts a service's src/main.ts in its own process, its JSON logs going to a file. */
export function startService(spec: ServiceSpec, repoRoot: string, logDir: string): RunningService {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${spec.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'], {
    cwd: join(repoRoot, spec.dir),
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    spec,
    child,
    logFile,
    async stop(timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}

/** Waits until /readyz answers 200; fails early when the process exits. */
export async function waitUntilReady(service: RunningService, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new Error(`${service.spec.name} exited with code ${service.child.exitCode}; see ${service.logFile}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${service.spec.opsPort}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${service.spec.name} was not ready after ${timeoutMs / 1000} s; see ${service.logFile}`);
}
