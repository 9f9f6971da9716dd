import { spawn } from 'node:child_process';

export type Log = (line: string) => void;

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const stripAnsi = (text: string): string => text.replace(ANSI, '');

const foreground = new Set<ReturnType<typeof spawn>>();

/** Kills the fetch/build commands still running (for a CLI that is interrupted). */
export function killForegroundCommands(): void {
  for (const child of foreground) child.kill('SIGTERM');
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  log: Log;
  /** Prefix of progress lines, e.g. "kafka". */
  label: string;
  /** Output lines worth showing as progress (others are only kept for the error message). */
  showLine?: (line: string) => boolean;
  /** A "still working" line is printed when nothing was shown for this long. */
  heartbeatMs?: number;
}

/**
 * Runs a foreground command (a fetch or a build), showing progress and, on failure, throwing with
 * the last lines of its output.
 */
export function runCommand(command: string, args: string[], options: RunOptions): Promise<void> {
  const started = Date.now();
  const tail: string[] = [];
  let lastShown = Date.now();
  let lines = 0;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    foreground.add(child);
    const onData = (() => {
      let pending = '';
      return (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const parts = pending.split(/\r?\n/);
        pending = parts.pop() ?? '';
        for (const raw of parts) {
          const line = stripAnsi(raw).trimEnd();
          if (line === '') continue;
          lines++;
          tail.push(line);
          if (tail.length > 40) tail.shift();
          if (options.showLine?.(line)) {
            options.log(`${options.label}: ${line}`);
            lastShown = Date.now();
          }
        }
      };
    })();
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const heartbeat = setInterval(() => {
      if (Date.now() - lastShown < (options.heartbeatMs ?? 10_000)) return;
      const seconds = Math.round((Date.now() - started) / 1000);
      options.log(`${options.label}: still working (${seconds} s, ${lines} output lines)`);
      lastShown = Date.now();
    }, 1_000);
    child.once('error', (error) => {
      foreground.delete(child);
      clearInterval(heartbeat);
      reject(new Error(`${options.label}: could not run ${command}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      foreground.delete(child);
      clearInterval(heartbeat);
      if (code === 0) {
        resolve();
        return;
      }
      const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new Error(`${options.label}: \`${command} ${args.join(' ')}\` ${how}:\n${tail.join('\n')}`));
    });
  });
}

/** Runs a command and returns its stdout+stderr (for version probes); undefined when it cannot run. */
export function captureOutput(command: string, args: string[], timeoutMs = 20_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    let output = '';
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    } catch {
      resolve(undefined);
      return;
    }
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('error', () => resolve(undefined));
    child.once('close', (code) => resolve(code === 0 ? output : undefined));
  });
}
