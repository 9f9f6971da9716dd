import type { ConsumerConfig } from 'kafkajs';

/**
 * kafkajs settings of the telemetry consumer group (on top of startBatchConsumer's defaults).
 * Exported so the Kafka-loop benchmark's consume-and-forward baseline fetches the same way.
 *
 * Larger partition batches while catching up: each batch writes one changelog record per vehicle
 * it touched (JSON state, ~0.9 KiB), so 4 MiB batches write about a quarter of the changelog
 * records that 1 MiB batches do (bench/kafka-loop.bench.ts: 0.04 instead of 0.18 per reading,
 * roughly twice the readings per CPU-second). The total per fetch stays bounded by maxBytes.
 * Outputs are still sent in requests below the broker's message size limit (splitIntoRequests in @fleet/runtime).
 */
export const TELEMETRY_CONSUMER_CONFIG: Omit<ConsumerConfig, 'groupId'> = {
  maxBytesPerPartition: 4 * 1024 * 1024,
  maxBytes: 16 * 1024 * 1024,
};

/**
 * The session timeout is how long a crashed instance's partitions wait before another instance
 * takes them over; heartbeats go out at least three times per session.
 */
export function telemetryConsumerConfig(sessionTimeoutMs = 30_000): Omit<ConsumerConfig, 'groupId'> {
  return { ...TELEMETRY_CONSUMER_CONFIG, sessionTimeout: sessionTimeoutMs, heartbeatInterval: Math.min(3000, Math.floor(sessionTimeoutMs / 3)) };
}
