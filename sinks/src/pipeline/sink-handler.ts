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

/** A batch whose lines the write batcher admitted. */
export interface AdmittedBatch {
  /**
   * Settles once every record of the batch is in InfluxDB or in the sink DLQ (then its offsets may
   * be committed); rejects with RetryAbortedError when the partition was revoked or the sink is
   * stopping, or with a permanent error (e.g. the DLQ refused the records).
   */
  durable: Promise<void>;
}

/**
 * The per-partition batch handler: decode → line → write (coalesced with other partitions) →
 * dead-letter what cannot be stored. It returns as soon as the batch's lines are admitted to the
 * batcher (waiting while too many are pending), so the consumer fetches on while they are written.
 */
export function createSinkHandler<V>(options: SinkHandlerOptions<V>): (batch: PartitionBatch) => Promise<AdmittedBatch> {
  const { decode, toLine, batcher, dlq } = options;
  const chunkSize = options.chunkSize ?? 1000;

  /**
   * The slow path (first record of a schema id, or an error): a registry outage is waited out (with
   * heartbeats), not dead-lettered.
   */
  async function decodeSlow(pending: Promise<V>, value: Buffer, batch: PartitionBatch): Promise<V> {
    try {
      return await pending;
    } catch (error) {
      if (!isRetriable(error)) throw error;
      return retryTransient(async () => decode(value), { shouldContinue: batch.isActive, whileWaiting: batch.heartbeat });
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
        // Synchronous once the schema id is known; a promise only while its schema is fetched.
        const decoded = decode(message.value);
        value = decoded instanceof Promise ? await decodeSlow(decoded, message.value, batch) : decoded;
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

  /** Waits for the batch's writes, then dead-letters what InfluxDB refused and what never became a line. */
  async function complete(writes: Promise<RejectedEntry<KafkaMessage>[]>[], letters: DeadLetter[], batch: PartitionBatch): Promise<void> {
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
  }

  return async (batch) => {
    const letters: DeadLetter[] = [];
    // A fetched batch can hold tens of thousands of records: hand them to the batcher chunk by
    // chunk so the first writes run while the rest is still being decoded.
    const writes: Promise<RejectedEntry<KafkaMessage>[]>[] = [];
    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      const entries = await toEntries(batch.messages.slice(start, start + chunkSize), batch, letters);
      writes.push((await batcher.submit(entries, batch)).durable);
    }
    return { durable: complete(writes, letters, batch) };
  };
}
