import type { InfraEndpoints } from '@fleet/infra';
import { getInfra, uniqueName } from '@fleet/testkit';
import { startTestPipeline } from '../../src/test-pipeline';
import type { Cleanup } from './cleanup';
import { warmUpKafka } from './kafka-warm-up';
import { type PrivateServer, type PrivateServiceName, startPrivateServers, withPrivate } from './private-server';

export type TestPipeline = Awaited<ReturnType<typeof startTestPipeline>>;
/** Extra environment per service (`bridge`, `sinks`, `alerts`, ...), as startTestPipeline takes it. */
export type PipelineEnv = Partial<Record<string, Record<string, string>>>;

/** A whole pipeline on private servers, started for one fault test. */
export interface FaultPipeline<Name extends PrivateServiceName = never> {
  namespace: string;
  /** The shared servers' endpoints with the private ones in their place. */
  endpoints: InfraEndpoints;
  /** The private servers by name, for the test to kill and restart. */
  servers: Record<Name | 'influxdb', PrivateServer>;
  pipeline: TestPipeline;
}

export interface FaultPipelineOptions<Name extends PrivateServiceName> {
  /** Prefix of the unique namespace (topics, consumer groups, ids). */
  namespacePrefix: string;
  /** Private servers besides the InfluxDB every whole-pipeline test gets. */
  privateServers?: Name[];
  /** Extra environment per service; a function gets the namespace. */
  extraEnv?: PipelineEnv | ((namespace: string) => PipelineEnv);
}

/**
 * Private servers (the ones asked for, then an InfluxDB of its own), a fresh private Kafka warmed
 * up, and the pipeline on them under a unique namespace; `cleanup` disposes of all of it.
 */
export async function startFaultPipeline<Name extends Exclude<PrivateServiceName, 'influxdb'> = never>(
  cleanup: Cleanup,
  options: FaultPipelineOptions<Name>,
): Promise<FaultPipeline<Name>> {
  const started = await startPrivateServers([...(options.privateServers ?? []), 'influxdb'], cleanup);
  const kafka = started.find((server) => server.name === 'kafka');
  if (kafka) await warmUpKafka(kafka.endpoints.kafkaBrokers);
  const endpoints = withPrivate(getInfra(), ...started);
  const namespace = uniqueName(options.namespacePrefix);
  const extraEnv = typeof options.extraEnv === 'function' ? options.extraEnv(namespace) : options.extraEnv;
  const pipeline = await startTestPipeline(endpoints, namespace, extraEnv);
  cleanup.add('pipeline', () => pipeline.stop());
  const servers = Object.fromEntries(started.map((server) => [server.name, server])) as Record<Name | 'influxdb', PrivateServer>;
  return { namespace, endpoints, servers, pipeline };
}
