import { type AvroDecoder, errorMessage, isRetriable, type PartitionBatch, retryTransient } from '@fleet/runtime';
import type { KafkaMessage } from 'kafkajs';
import { type DeadLetter, type DlqPublisher, SINK_DLQ_REASONS } from '../adapters/dlq-publisher';
import type { LineResult } from '../domain/line-protocol';
import type { RejectedEntry, WriteBatcher, WriteEntry } from './write-batcher';

export interface SinkHandlerOptions<V> {
  decode: AvroDecoder<V>;
  toLine: (value: V) => LineResult;
  batcher: WriteBatcher<KafkaMessage>;
  dlq: DlqPublisher;
  onDeadLetters?: (letters: readonly DeadLetter[]) => void;
  /** Records decoded before their lines go to the batcher (default 1000). */
  chunkSize?: number;
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${errorMessage(error)}` : errorMessage(error);
}

/**
 * The per-partition batch handler: decode → line → write (coalesced with other partitions) →
 * dead-letter what cannot be stored. It returns only when every record of the batch is either in
 * InfluxDB or in the sink DLQ, so the consumer may then commit the batch's offsets.
 */
export function createSinkHandler<V>(options: SinkHandlerOptions<V>): (batch: PartitionBatch) => Promise<void> {
  const { decode, toLine, batcher, dlq } = options;
  const chunkSize = options.chunkSize ?? 1000;

  async function decodeOne(value: Buffer, batch: PartitionBatch): Promise<V> {
    try {
      return await decode(value);
    } catch (error) {
      if (!isRetriable(error)) throw error;
      // The registry is unreachable: wait for it (with heartbeats) rather than dead-letter.
      return retryTransient(() => decode(value), { shouldContinue: batch.isActive, whileWaiting: batch.heartbeat });
    }
  }

  /** Decodes and builds the lines of some messages; what cannot be stored becomes a dead letter. */
  async function toEntries(messages: readonly KafkaMessage[], batch: PartitionBatch, letters: DeadLetter[]): Promise<WriteEntry<KafkaMessage>[]> {
    const entries: WriteEntry<KafkaMessage>[] = [];
    for (const message of messages) {
      if (!message.value || message.value.length === 0) {
        letters.push({ message, reason: SINK_DLQ_REASONS.undecodable, error: 'record has no value' });
        continue;
      }
      let value: V;
      try {
        value = await decodeOne(message.value, batch);
      } catch (error) {
        if (isRetriable(error)) throw error;
        letters.push({ message, reason: SINK_DLQ_REASONS.undecodable, error: describe(error) });
        continue;
      }
      const built = toLine(value);
      if (built.ok) entries.push({ line: built.line, source: message });
      else letters.push({ message, reason: built.reason === 'NON_FINITE' ? SINK_DLQ_REASONS.nonFinite : SINK_DLQ_REASONS.invalid, error: built.error });
    }
    return entries;
  }

  return async (batch) => {
    const letters: DeadLetter[] = [];
    // A fetched batch can hold tens of thousands of records: hand them to the batcher chunk by
    // chunk so the first writes run while the rest is still being decoded.
    const writes: Promise<RejectedEntry<KafkaMessage>[]>[] = [];
    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      const entries = await toEntries(batch.messages.slice(start, start + chunkSize), batch, letters);
      writes.push(batcher.submit(entries, batch));
    }
    const settled = await Promise.allSettled(writes);
    for (const result of settled) if (result.status === 'rejected') throw result.reason;
    for (const result of settled) {
      if (result.status !== 'fulfilled') continue;
      for (const { source, error } of result.value) {
        letters.push({ message: source, reason: SINK_DLQ_REASONS.influxRejected, error: describe(error) });
      }
    }
    if (letters.length > 0) {
      await dlq.publish({ topic: batch.topic, partition: batch.partition }, letters, batch);
      options.onDeadLetters?.(letters);
    }
  };
}
