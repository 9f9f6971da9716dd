import type { AvroSerde } from '@fleet/runtime';
import avro from 'avsc';
import { type AvroLineProgram, compileAvroLineProgram, type LineLayout } from '../domain/avro-line-program';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro body. */
const HEADER_BYTES = 5;

/**
 * A record's line straight from its Confluent Avro value, or undefined when it takes the general
 * path (decode, then build the line): a schema id not learned yet, a schema or record the direct
 * reader does not cover, anything malformed.
 */
export type AvroLineTranscoder = (value: Buffer) => string | undefined;

/**
 * Learns a direct reader per writer schema id in the background (the first records of a new id take
 * the general path meanwhile). Only a writer schema that resolves to `readerSchema` gets one, so
 * the direct path never writes what the general path would have refused.
 */
export function createAvroLineTranscoder<Key extends string>(
  serde: Pick<AvroSerde, 'writerType'>,
  readerSchema: object,
  layout: LineLayout<Key>,
): AvroLineTranscoder {
  const reader = avro.Type.forSchema(readerSchema as avro.Schema);
  /** null: this id has no direct reader (incompatible or not covered). */
  const programs = new Map<number, AvroLineProgram | null>();
  const learning = new Set<number>();

  async function learn(schemaId: number): Promise<void> {
    learning.add(schemaId);
    try {
      const writer = await serde.writerType(schemaId);
      try {
        reader.createResolver(writer);
      } catch {
        programs.set(schemaId, null);
        return;
      }
      programs.set(schemaId, compileAvroLineProgram(writer, reader, layout) ?? null);
    } catch {
      // The general path reports (and waits out) registry failures; a later record learns again.
    } finally {
      learning.delete(schemaId);
    }
  }

  return (value) => {
    if (value.length < HEADER_BYTES || value[0] !== 0) return undefined;
    const schemaId = value.readInt32BE(1);
    const program = programs.get(schemaId);
    if (program) return program(value, HEADER_BYTES);
    if (program === undefined && !learning.has(schemaId)) void learn(schemaId);
    return undefined;
  };
}
