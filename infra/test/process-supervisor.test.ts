import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@fleet/testkit';
import { describe, expect, it } from 'vitest';
import { isAlive, logFilePath, readPidFile, runningProcess, spawnDetached, stopProcess } from '../src/process-supervisor';

describe('process supervisor', () => {
  it('spawns detached with pid + log file and stops the whole process group, children included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-supervisor-'));
    const marker = `supervisor-test-${process.pid}`;
    // A parent that starts a grandchild and ignores SIGTERM: both must be gone after stop.
    const script = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
      console.log('grandchild ' + child.pid);
      process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
      setInterval(() => {}, 1000);
    `;
    const started = spawnDetached({
      command: process.execPath,
      args: ['-e', script, marker],
      cwd: dir,
      dir,
      marker,
      owner: 'tests',
    });
    expect(readPidFile(dir)?.pid).toBe(started.pid);
    const grandchild = await waitFor(() => /grandchild (\d+)/.exec(readFileSync(logFilePath(dir), 'utf8'))?.[1]);
    expect(isAlive(Number(grandchild))).toBe(true);
    expect(runningProcess(dir)?.owner).toBe('tests');

    expect(await stopProcess(dir, { timeoutMs: 1_000 })).toBe(true);
    expect(isAlive(started.pid)).toBe(false);
    expect(isAlive(Number(grandchild))).toBe(false);
    expect(readPidFile(dir)).toBeUndefined();
    expect(await stopProcess(dir)).toBe(false);
  });
});
