import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getInfra } from '@fleet/testkit';
import type { PipelineTopics } from './pipeline-topics';

const serviceDir = fileURLToPath(new URL('../..', import.meta.url));

/** The real service (src/main.ts) in its own process, so a test can SIGKILL it like a crash. */
export function spawnProcessor(pipeline: PipelineTopics): ChildProcess {
  const infra = getInfra();
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'src/main.ts'], {
    cwd: serviceDir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: infra.registryUrl,
      PROCESSOR_GROUP_ID: pipeline.groupId,
      TELEMETRY_TOPIC: pipeline.topics.telemetry,
      EVENTS_TOPIC: pipeline.topics.events,
      STATE_TOPIC: pipeline.topics.state,
      PROCESSOR_DLQ_TOPIC: pipeline.topics.dlq,
      VEHICLES_TOPIC: pipeline.topics.vehicles,
      GEOFENCES_TOPIC: pipeline.topics.geofences,
      TOPIC_PARTITIONS: '3',
      // A quicker takeover than the 30 s default keeps the crash tests short.
      PROCESSOR_SESSION_TIMEOUT_MS: '10000',
      OPS_PORT: '0',
      LOG_LEVEL: 'warn',
    },
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[processor ${child.pid}] ${chunk}`));
  return child;
}

export async function committedCount(pipeline: PipelineTopics): Promise<number> {
  const admin = pipeline.kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: pipeline.groupId, topics: [pipeline.topics.telemetry] });
    return (offsets?.partitions ?? []).reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
