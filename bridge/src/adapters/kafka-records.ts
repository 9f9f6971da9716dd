import type { TelemetryReading } from '@fleet/contracts';
import type { AvroEncoder } from '@fleet/runtime';
import { type Classified, type InboundMessage, rejected } from '../domain/classify-message';

/** A record on its way to Kafka, with its size for the memory bounds. */
export interface OutRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
  /** Approximate bytes held in memory (value + key + headers). */
  bytes: number;
  /** Which metric it counts under. */
  kind: 'telemetry' | 'dlq';
}

export interface RecordTopics {
  telemetry: string;
  dlq: string;
}

function headerBytes(headers: Record<string, string>): number {
  let total = 0;
  for (const name in headers) total += name.length + (headers[name]?.length ?? 0);
  return total;
}

/**
 * Turns a classified message into its Kafka record: Avro for an accepted reading, the original
 * bytes plus reason headers for a rejection. A reading the Avro schema refuses (should not happen
 * after validation) is dead-lettered as SCHEMA rather than lost.
 */
export function toOutRecord(
  message: InboundMessage,
  classified: Classified,
  encode: AvroEncoder<TelemetryReading>,
  topics: RecordTopics,
): { record: OutRecord; outcome: Classified } {
  let outcome = classified;
  if (outcome.kind === 'accepted') {
    try {
      const value = encode(outcome.reading);
      return {
        record: { topic: topics.telemetry, key: outcome.key, value, bytes: value.length + outcome.key.length, kind: 'telemetry' },
        outcome,
      };
    } catch (error) {
      outcome = rejected(message, outcome.key, 'SCHEMA', (error as Error).message);
    }
  }
  const value = Buffer.isBuffer(message.payload)
    ? message.payload
    : Buffer.from(message.payload.buffer, message.payload.byteOffset, message.payload.byteLength);
  return {
    record: {
      topic: topics.dlq,
      key: outcome.key,
      value,
      headers: outcome.headers,
      bytes: value.length + outcome.key.length + headerBytes(outcome.headers),
      kind: 'dlq',
    },
    outcome,
  };
}
