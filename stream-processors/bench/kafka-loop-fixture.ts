import { randomBytes } from 'node:crypto';
import { type TelemetryReading, telemetryAvroSchema, valueSubject } from '@fleet/contracts';
import { createAvroSerde, createKafka, createProducer, ensureTopics, silentLogger } from '@fleet/runtime';
import type { Kafka } from 'kafkajs';
import { SyntheticTraffic, syntheticGeofences, syntheticVehicles } from './synthetic-fleet';

/**
 * Topics, data and clean-up of one Kafka-loop benchmark run. Every run gets topics (and consumer
 * groups, registry subjects) of its own, so runs never see each other's records and deleting
 * them afterwards leaves the shared local Kafka as it was.
 */
export interface BenchOptions {
  brokers: string[];
  registryUrl: string;
  readings: number;
  vehicles: number;
  geofences: number;
  partitions: number;
  phaseTimeoutMs: number;
  /** The processor's checkpoint interval; the phase ends with the checkpoint that commits the last record. */
  stateFlushMs: number;
}

export interface BenchTopics {
  telemetry: string;
  events: string;
  state: string;
  dlq: string;
  vehicles: string;
  geofences: string;
  /** Where the consume-and-forward baseline copies the telemetry records to. */
  forward: string;
}

export interface BenchRun {
  options: BenchOptions;
  topics: BenchTopics;
  groups: { processor: string; baseline: string; consume: string };
}

export function newBenchRun(options: BenchOptions): BenchRun {
  const base = `bench-kafka-loop-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  return {
    options,
    topics: {
      telemetry: `${base}.telemetry`,
      events: `${base}.events`,
      state: `${base}.state`,
      dlq: `${base}.dlq`,
      vehicles: `${base}.vehicles`,
      geofences: `${base}.geofences`,
      forward: `${base}.forward`,
    },
    groups: { processor: `${base}-processors`, baseline: `${base}-forwarder`, consume: `${base}-consume-only` },
  };
}

export function benchKafka(options: BenchOptions, clientId: string): Kafka {
  return createKafka({ brokers: options.brokers, clientId, log: silentLogger() });
}

/** Topic → sum over partitions of the high watermark (= records written, nothing is deleted during a run). */
export async function recordCounts(kafka: Kafka, topics: string[]): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const counts = new Map<string, number>();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      counts.set(
        topic,
        offsets.reduce((sum, { high }) => sum + Number(high), 0),
      );
    }
    return counts;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates the topics and writes the registry tables (vehicles, geofences as JSON, like the alerts
 * API does) and `readings` Avro telemetry records (Confluent wire format, schema registered under
 * the telemetry topic's subject), one reading per vehicle per round. Not timed.
 */
export async function produceFixture(run: BenchRun): Promise<{ bytes: number; seconds: number }> {
  const { options, topics } = run;
  const kafka = benchKafka(options, 'bench-fixture');
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [
      { topic: topics.telemetry, numPartitions: options.partitions },
      { topic: topics.events, numPartitions: options.partitions },
      { topic: topics.forward, numPartitions: options.partitions },
      { topic: topics.state, numPartitions: options.partitions, compacted: true },
      { topic: topics.dlq, numPartitions: 1 },
      { topic: topics.vehicles, numPartitions: 1, compacted: true },
      { topic: topics.geofences, numPartitions: 1, compacted: true },
    ]);
  } finally {
    await admin.disconnect();
  }

  const encode = await createAvroSerde({ registryUrl: options.registryUrl }).encoderFor<TelemetryReading>(
    valueSubject(topics.telemetry),
    telemetryAvroSchema,
  );
  // One request in flight (idempotent producer), so the readings of a vehicle stay in order.
  const producer = createProducer(kafka);
  await producer.connect();
  const started = process.hrtime.bigint();
  let bytes = 0;
  try {
    const json = (records: { id: string }[]) => records.map((r) => ({ key: r.id, value: JSON.stringify(r) }));
    await producer.send({ topic: topics.vehicles, acks: -1, messages: json(syntheticVehicles(options.vehicles)) });
    await producer.send({
      topic: topics.geofences,
      acks: -1,
      messages: json(syntheticGeofences(options.geofences, options.vehicles)),
    });

    const traffic = new SyntheticTraffic(options.vehicles);
    for (let produced = 0; produced < options.readings; ) {
      const round: TelemetryReading[] = [];
      traffic.nextRound(round);
      const messages = round.slice(0, options.readings - produced).map((reading) => {
        const value = encode(reading);
        bytes += value.length + reading.vehicleId.length;
        return { key: reading.vehicleId, value };
      });
      produced += messages.length;
      await producer.send({ topic: topics.telemetry, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
  return { bytes, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/**
 * Reads the state changelog back and keeps the newest value per vehicle: the state a restarted
 * instance would restore. Not timed; bounded by `timeoutMs`.
 */
export async function changelogSize(
  run: BenchRun,
  expectedRecords: number,
  timeoutMs: number,
): Promise<{ vehicles: number; bytes: number; maxBytes: number; complete: boolean }> {
  const kafka = benchKafka(run.options, 'bench-changelog-reader');
  const consumer = kafka.consumer({ groupId: `${run.groups.processor}-changelog-reader` });
  const latest = new Map<string, number>();
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: run.topics.state, fromBeginning: true });
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const key = message.key?.toString('utf8');
          if (key !== undefined) latest.set(key, message.value?.length ?? 0);
        }
        seen += batch.messages.length;
        if (seen >= expectedRecords) done();
      },
    });
    const complete = await Promise.race([
      finished.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs)),
    ]);
    let bytes = 0;
    let maxBytes = 0;
    for (const size of latest.values()) {
      bytes += size;
      maxBytes = Math.max(maxBytes, size);
    }
    return { vehicles: latest.size, bytes, maxBytes, complete };
  } finally {
    await consumer.disconnect();
  }
}

/** Deletes everything the run created: topics, consumer groups, registry subjects. Best effort. */
export async function cleanUp(run: BenchRun): Promise<string[]> {
  const problems: string[] = [];
  const kafka = benchKafka(run.options, 'bench-cleanup');
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const topics = Object.values(run.topics).filter((topic) => existing.has(topic));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    const groups = (await admin.listGroups()).groups
      .map((group) => group.groupId)
      .filter((groupId) => groupId.startsWith(run.groups.processor) || groupId === run.groups.baseline || groupId === run.groups.consume);
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
  } catch (error) {
    problems.push(`kafka: ${(error as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
  for (const topic of [run.topics.telemetry, run.topics.events]) {
    const subject = `${run.options.registryUrl}/subjects/${encodeURIComponent(valueSubject(topic))}`;
    try {
      await fetch(subject, { method: 'DELETE' });
      await fetch(`${subject}?permanent=true`, { method: 'DELETE' });
    } catch (error) {
      problems.push(`registry ${valueSubject(topic)}: ${(error as Error).message}`);
    }
  }
  return problems;
}
