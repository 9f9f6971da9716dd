import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Who asked for a process: `cli` (infra:up, kept until infra:down) or `tests` (a test run's globalSetup). */
export type Owner = 'cli' | 'tests';

export interface PidRecord {
  pid: number;
  /** A string that appears in the process's command line, to tell it from a recycled pid. */
  marker: string;
  owner: Owner;
  startedAt: string;
}

export interface DetachedSpec {
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Folder holding `process.pid` and `process.log`. */
  dir: string;
  marker: string;
  owner: Owner;
}

export interface DetachedProcess {
  pid: number;
  /** Settles when the process exits (only observable from the process that spawned it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const pidFilePath = (dir: string): string => join(dir, 'process.pid');
export const logFilePath = (dir: string): string => join(dir, 'process.log');

interface ProcStat {
  state: string;
  pgrp: number;
}

/** Linux /proc/<pid>/stat: state and process group (undefined where /proc is missing). */
function procStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ppid pgrp ..." — comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

const hasProc = existsSync('/proc/self/stat');

/** True when the pid is a live (non-zombie) process. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!hasProc) return true;
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** Live members of a process group. */
function groupAlive(pgid: number): boolean {
  if (!hasProc) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') return true;
  }
  return false;
}

function commandLineIncludes(pid: number, marker: string): boolean {
  if (!hasProc) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(marker);
  } catch {
    return false;
  }
}

export function readPidFile(dir: string): PidRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(pidFilePath(dir), 'utf8')) as Partial<PidRecord>;
    if (typeof record.pid !== 'number' || typeof record.marker !== 'string') return undefined;
    return {
      pid: record.pid,
      marker: record.marker,
      owner: record.owner === 'tests' ? 'tests' : 'cli',
      startedAt: String(record.startedAt ?? ''),
    };
  } catch {
    return undefined;
  }
}

export function writePidFile(dir: string, record: PidRecord): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(pidFilePath(dir), `${JSON.stringify(record)}\n`);
}

/** The pid file's record when its process is still running, else undefined (a stale file is removed). */
export function runningProcess(dir: string): PidRecord | undefined {
  const record = readPidFile(dir);
  if (record === undefined) return undefined;
  if (isAlive(record.pid)) {
    if (commandLineIncludes(record.pid, record.marker)) return record;
    // Between fork and exec the child still shows the parent's command line: a just-written pid
    // file is trusted (a pid is not recycled within seconds).
    if (Date.now() - Date.parse(record.startedAt) < 15_000) return record;
  }
  rmSync(pidFilePath(dir), { force: true });
  return undefined;
}

/**
 * Starts a process in its own session and process group (so stopping it also stops its children),
 * stdout+stderr appended to `<dir>/process.log`, pid recorded in `<dir>/process.pid`.
 */
export function spawnDetached(spec: DetachedSpec): DetachedProcess {
  mkdirSync(spec.dir, { recursive: true });
  const logFd = openSync(logFilePath(spec.dir), 'a');
  try {
    writeFileSync(logFd, `\n=== ${new Date().toISOString()} starting: ${spec.command} ${spec.args.join(' ')}\n`);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', reject);
    });
    exited.catch(() => undefined);
    if (child.pid === undefined) {
      throw new Error(`could not start ${spec.command} (see ${logFilePath(spec.dir)})`);
    }
    child.unref();
    writePidFile(spec.dir, {
      pid: child.pid,
      marker: spec.marker,
      owner: spec.owner,
      startedAt: new Date().toISOString(),
    });
    return { pid: child.pid, exited };
  } finally {
    closeSync(logFd);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return true;
    await sleep(100);
  }
  return !groupAlive(pid);
}

/**
 * Stops the process recorded in `<dir>/process.pid` and its whole process group: SIGTERM, then
 * SIGKILL after `timeoutMs`. Returns false when nothing was running.
 */
export async function stopProcess(
  dir: string,
  options: { timeoutMs?: number; log?: (line: string) => void; name?: string } = {},
): Promise<boolean> {
  const record = runningProcess(dir);
  if (record === undefined) return false;
  const name = options.name ?? dir;
  const timeoutMs = options.timeoutMs ?? 20_000;
  signalGroup(record.pid, 'SIGTERM');
  if (!(await waitGone(record.pid, timeoutMs))) {
    options.log?.(`${name}: did not stop within ${Math.round(timeoutMs / 1000)} s, sending SIGKILL`);
    signalGroup(record.pid, 'SIGKILL');
    await waitGone(record.pid, 5_000);
  }
  rmSync(pidFilePath(dir), { force: true });
  return true;
}

/** Last lines of a service's log, for error messages. */
export function logTail(dir: string, lines = 25): string {
  try {
    const text = readFileSync(logFilePath(dir), 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
