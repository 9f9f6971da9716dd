import type { ConsumerConfig } from 'kafkajs';

/**
 * kafkajs settings of the telemetry consumer group (on top of startBatchConsumer's defaults).
 * Exported so the Kafka-loop benchmark's consume-and-forward baseline fetches the same way.
 */
export const TELEMETRY_CONSUMER_CONFIG: Omit<ConsumerConfig, 'groupId'> = {};
