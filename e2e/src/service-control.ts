import { dirname } from 'node:path';
import { repoRoot } from '@fleet/infra';
import { type Pipeline, type RunningService, startService, waitUntilReady } from '@fleet/infra/pipeline';

function find(pipeline: Pipeline, name: string): { service: RunningService; index: number } {
  const index = pipeline.services.findIndex((service) => service.spec.name === name);
  const service = pipeline.services[index];
  if (service === undefined) throw new Error(`no service "${name}" in the pipeline`);
  return { service, index };
}

/** SIGKILLs one of the pipeline's service processes (a crash: no shutdown hooks run) and waits until it is gone. */
export async function killService(pipeline: Pipeline, name: string): Promise<void> {
  const { child } = find(pipeline, name).service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/**
 * Starts a service of the pipeline again with its original environment (plus `env`), waits until it
 * is ready and puts it in the pipeline's place, so `pipeline.stop()` stops the new process.
 */
export async function restartService(
  pipeline: Pipeline,
  name: string,
  options: { env?: Record<string, string>; waitReady?: boolean } = {},
): Promise<RunningService> {
  const { service, index } = find(pipeline, name);
  await service.stop();
  const next = startService({ ...service.spec, env: { ...service.spec.env, ...options.env } }, repoRoot, dirname(service.logFile));
  pipeline.services[index] = next;
  if (options.waitReady ?? true) await waitUntilReady(next);
  return next;
}

/**
 * Another instance of a pipeline service (same topics and consumer group) under a new name and ops
 * port; it joins `pipeline.services`, so `pipeline.stop()` stops it too.
 */
export async function startExtraInstance(pipeline: Pipeline, name: string, instanceName: string, opsPort: number): Promise<RunningService> {
  const { service } = find(pipeline, name);
  const spec = { ...service.spec, name: instanceName, opsPort, env: { ...service.spec.env, OPS_PORT: String(opsPort) } };
  const extra = startService(spec, repoRoot, dirname(service.logFile));
  pipeline.services.push(extra);
  await waitUntilReady(extra);
  return extra;
}
