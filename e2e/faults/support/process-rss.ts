import { readFileSync } from 'node:fs';

/** Resident set size of a process in MiB, from /proc/<pid>/status (Linux). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

/** Samples a process's RSS on an interval until stopped; returns the samples in MiB. */
export function sampleRss(pid: number, intervalMs = 500): { samples: number[]; stop(): number[] } {
  const samples = [rssMiB(pid)];
  const timer = setInterval(() => {
    try {
      samples.push(rssMiB(pid));
    } catch {
      // the process exited; the test sees it elsewhere
    }
  }, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}
