import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';

export type Log = (line: string) => void;

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const stripAnsi = (text: string): string => text.replace(ANSI, '');

const foreground = new Set<ReturnType<typeof spawn>>();

/** Live descendants of a process (Linux /proc; none elsewhere), children before grandchildren. */
function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) S ppid ..." — comm may contain spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * Kills the fetch/build commands still running (for a CLI that is interrupted), and what they
 * spawned: `go build` does not stop the cargo build its pkg-config helper started.
 */
export function killForegroundCommands(): void {
  for (const child of foreground) {
    const descendants = child.pid === undefined ? [] : descendantsOf(child.pid);
    child.kill('SIGTERM');
    for (const pid of descendants) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  log: Log;
  /** Prefix of progress lines, e.g. "kafka". */
  label: string;
  /**
   * Output lines worth showing as progress (others are only kept for the error message): true
   * shows the line, a string is shown instead of it (e.g. a count of lines so far).
   */
  showLine?: (line: string) => boolean | string;
  /** A "still working" line is printed when nothing was shown for this long. */
  heartbeatMs?: number;
  /** Resolve with the command's stdout (its lines are then not passed to showLine). */
  keepStdout?: boolean;
  /**
   * The lines worth quoting when the command fails (default: all): the error message quotes the
   * last 40 of them, e.g. only diagnostics rather than the package names a build lists.
   */
  errorLine?: (line: string) => boolean;
  /** Every output line is also appended to this file (the whole output of a long build). */
  outputFile?: string;
}

/**
 * Runs a foreground command (a fetch or a build), showing progress and, on failure, throwing with
 * the last lines of its output. Resolves with its stdout when `keepStdout` is set, else ''.
 */
export function runCommand(command: string, args: string[], options: RunOptions): Promise<string> {
  const started = Date.now();
  const tail: string[] = [];
  const stdout: Buffer[] = [];
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
          if (options.outputFile !== undefined) appendFileSync(options.outputFile, `${line}\n`);
          if (options.errorLine?.(line) ?? true) {
            tail.push(line);
            if (tail.length > 40) tail.shift();
          }
          const shown = options.showLine?.(line);
          if (shown) {
            options.log(`${options.label}: ${shown === true ? line : shown}`);
            lastShown = Date.now();
          }
        }
      };
    })();
    child.stdout.on('data', options.keepStdout ? (chunk: Buffer) => void stdout.push(chunk) : onData);
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
        resolve(Buffer.concat(stdout).toString('utf8'));
        return;
      }
      const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
      const full = options.outputFile === undefined ? '' : `\n(whole output: ${options.outputFile})`;
      reject(new Error(`${options.label}: \`${command} ${args.join(' ')}\` ${how}:\n${tail.join('\n')}${full}`));
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
