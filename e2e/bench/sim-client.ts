import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromWorker, PublishedRow, SimSnapshot, SimSpec, ToWorker } from './sim-protocol';

export interface SimClient {
  pid: number;
  start(name: string, spec: SimSpec, trackIds?: string[]): Promise<void>;
  stop(name: string): Promise<number>;
  snapshot(options?: { resetWindow?: boolean; resetPhase?: boolean }): Promise<SimSnapshot>;
  close(): Promise<void>;
}

/** Starts sim-worker.ts in its own Node process; tracked readings are passed to `onPublished`. */
export async function startSimWorker(onPublished: (rows: PublishedRow[]) => void): Promise<SimClient> {
  const script = fileURLToPath(new URL('./sim-worker.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--max-semi-space-size=32', '--import', 'tsx', script], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<string, (message: FromWorker) => void>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const once = (key: string) => new Promise<FromWorker>((resolve) => waiting.set(key, resolve));
  const settle = (key: string, message: FromWorker) => {
    waiting.get(key)?.(message);
    waiting.delete(key);
  };
  child.on('message', (message: FromWorker) => {
    switch (message.kind) {
      case 'published':
        onPublished(message.rows);
        break;
      case 'snapshot':
        settle(`snapshot:${message.requestId}`, message);
        break;
      case 'started':
      case 'stopped':
        settle(`${message.kind}:${message.name}`, message);
        break;
      case 'ready':
        settle('ready', message);
        break;
      case 'error':
        process.stderr.write(`simulator: ${message.message}\n`);
        break;
    }
  });
  const post = (message: ToWorker) => child.send(message);
  const ready = once('ready');
  await Promise.race([ready, exited.then(() => Promise.reject(new Error('the simulator worker exited during start-up')))]);
  let requests = 0;
  return {
    pid: child.pid ?? 0,
    async start(name, spec, trackIds = []) {
      const started = once(`started:${name}`);
      post({ kind: 'start', name, spec, trackIds });
      await started;
    },
    async stop(name) {
      const stopped = once(`stopped:${name}`);
      post({ kind: 'stop', name });
      const message = await stopped;
      return message.kind === 'stopped' ? message.unacknowledged : 0;
    },
    async snapshot(options = {}) {
      const requestId = ++requests;
      const reply = once(`snapshot:${requestId}`);
      post({ kind: 'snapshot', requestId, resetWindow: options.resetWindow ?? false, resetPhase: options.resetPhase ?? false });
      const message = await reply;
      if (message.kind !== 'snapshot') throw new Error('unexpected reply');
      return message.snapshot;
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      post({ kind: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
