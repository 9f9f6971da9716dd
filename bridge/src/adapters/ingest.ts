import type { TelemetryReading } from '@fleet/contracts';
import type { AvroEncoder } from '@fleet/runtime';
import { classifyMessage, type InboundMessage } from '../domain/classify-message';
import type { BridgeMetrics } from './bridge-metrics';
import { type RecordTopics, toOutRecord } from './kafka-records';
import type { Ack, RecordBatcher } from './record-batcher';

/** The transport-independent entry point of every MQTT message. */
export interface Ingest {
  /**
   * Classifies, encodes and queues one message; `ack` runs when its record (reading or dead
   * letter) is acknowledged by Kafka, or with an error when it could not be written.
   */
  submit(message: InboundMessage, ack: Ack): void;
  /** False while the in-flight bound is reached: transports stop reading until whenCapacity. */
  hasCapacity(): boolean;
  whenCapacity(resume: () => void): void;
}

export interface IngestDeps {
  encode: AvroEncoder<TelemetryReading>;
  topics: RecordTopics;
  batcher: RecordBatcher;
  metrics: BridgeMetrics;
}

export function createIngest(deps: IngestDeps): Ingest {
  const { encode, topics, batcher, metrics } = deps;
  return {
    submit(message, ack) {
      metrics.received();
      const { record, outcome } = toOutRecord(message, classifyMessage(message), encode, topics);
      if (outcome.kind === 'accepted') metrics.accepted();
      else metrics.rejected(outcome.reason);
      batcher.submit(record, ack);
    },
    hasCapacity: () => batcher.hasCapacity(),
    whenCapacity: (resume) => batcher.whenCapacity(resume),
  };
}
