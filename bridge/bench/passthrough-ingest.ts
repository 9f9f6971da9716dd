import { vehicleIdFromTopic } from '@fleet/contracts';
import type { Ingest, IngestDeps } from '../src/adapters/ingest';

/** Baseline: MQTT payload → Kafka as is, keyed by the topic's vehicle. No validation, no Avro. */
export function createPassthroughIngest(deps: IngestDeps): Ingest {
  const { batcher, topics, metrics } = deps;
  return {
    submit(message, ack) {
      metrics.received();
      const key = vehicleIdFromTopic(message.topic) ?? message.clientId;
      const value = message.payload as Buffer;
      batcher.submit({ topic: topics.telemetry, key, value, bytes: value.length + key.length, kind: 'telemetry' }, ack);
    },
    hasCapacity: () => batcher.hasCapacity(),
    whenCapacity: (resume) => batcher.whenCapacity(resume),
  };
}
