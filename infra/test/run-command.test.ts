import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@fleet/testkit';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../src/process-supervisor';
import { killForegroundCommands, runCommand } from '../src/run-command';

const quiet = { log: () => undefined, label: 'test' };

describe('runCommand (fetches and builds)', () => {
  it('resolves with stdout when asked to keep it', async () => {
    expect(await runCommand('sh', ['-c', 'echo \'{"Dir": "/x"}\'; echo progress >&2'], { ...quiet, keepStdout: true })).toBe('{"Dir": "/x"}\n');
  });

  it('quotes the diagnostics of a failure, not the lines listed after them, and keeps the whole output in a file', async () => {
    const outputFile = join(mkdtempSync(join(tmpdir(), 'fleet-run-')), 'build.log');
    const script = 'echo pkg/a; echo "# pkg/b"; echo "b.go:3:1: undefined: x"; for i in $(seq 1 60); do echo pkg/c$i; done; exit 1';
    const failure = runCommand('sh', ['-c', script], { ...quiet, outputFile, errorLine: (line) => !/^[\w/]+$/.test(line) });
    await expect(failure).rejects.toThrow(/exited with code 1:\n# pkg\/b\nb\.go:3:1: undefined: x\n\(whole output: .*build\.log\)$/);
    expect(readFileSync(outputFile, 'utf8').split('\n')).toHaveLength(64);
  });

  it('stops a command that is interrupted together with what it spawned (go build → cargo → rustc)', async () => {
    let grandchild: number | undefined;
    const running = runCommand('sh', ['-c', 'sleep 60 & echo "sleeping $!"; wait'], {
      ...quiet,
      showLine: (line) => {
        const match = /^sleeping (\d+)$/.exec(line);
        if (match) grandchild = Number(match[1]);
        return false;
      },
    });
    const pid = await waitFor(() => grandchild, { timeoutMs: 5_000 });
    expect(isAlive(pid)).toBe(true);
    killForegroundCommands();
    await expect(running).rejects.toThrow(/was killed by SIGTERM/);
    await waitFor(() => !isAlive(pid), { timeoutMs: 5_000, message: 'the grandchild to exit' });
  });
});
