import { type TelemetryReading, telemetryAvroSchema } from '@fleet/contracts';
import { AppError } from '@fleet/runtime';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { createAvroLineTranscoder } from '../../src/adapters/avro-line-transcoder';
import { TELEMETRY_LAYOUT, telemetryLine } from '../../src/domain/telemetry-line';
import { reading } from '../support/readings';

const contract = avro.Type.forSchema(telemetryAvroSchema as avro.Schema);
/** A writer the contract cannot read: the vehicle id became a number. */
const incompatible = avro.Type.forSchema({
  ...telemetryAvroSchema,
  fields: (telemetryAvroSchema as { fields: { name: string }[] }).fields.map((field) =>
    field.name === 'vehicleId' ? { name: 'vehicleId', type: 'long' } : field,
  ),
} as avro.Schema);

function confluent(schemaId: number, type: avro.Type, value: unknown): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, type.toBuffer(value)]);
}

/** Schema lookups by id, as the registry answers them; `failures` rejections come first. */
function schemas(types: Record<number, avro.Type>, failures = 0) {
  const asked: number[] = [];
  return {
    asked,
    async writerType(schemaId: number): Promise<avro.Type> {
      asked.push(schemaId);
      if (failures-- > 0) throw new AppError('REGISTRY_UNAVAILABLE', 'registry down', { retriable: true });
      const type = types[schemaId];
      if (!type) throw new AppError('AVRO_UNKNOWN_SCHEMA', `no schema ${schemaId}`, { retriable: false });
      return type;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const expected = (value: TelemetryReading) => {
  const built = telemetryLine(value);
  if (!built.ok) throw new Error('fixture reading must build a line');
  return built.line;
};

describe('createAvroLineTranscoder', () => {
  it('leaves the first record of a schema id to the general path, then writes the line directly', async () => {
    const registry = schemas({ 7: contract });
    const transcode = createAvroLineTranscoder(registry, telemetryAvroSchema, TELEMETRY_LAYOUT);
    const value = reading({ seq: 3, rpm: 1800 });
    const record = confluent(7, contract, value);

    expect(transcode(record)).toBeUndefined();
    expect(transcode(record)).toBeUndefined(); // still learning: asked once
    await settle();
    expect(transcode(record)).toBe(expected(value));
    expect(registry.asked).toEqual([7]);
  });

  it('never takes the direct path for a writer schema the reader cannot resolve, and asks only once', async () => {
    const registry = schemas({ 8: incompatible });
    const transcode = createAvroLineTranscoder(registry, telemetryAvroSchema, TELEMETRY_LAYOUT);
    const record = confluent(8, incompatible, { ...reading(), vehicleId: 42 });

    expect(transcode(record)).toBeUndefined();
    await settle();
    expect(transcode(record)).toBeUndefined();
    expect(registry.asked).toEqual([8]);
  });

  it('learns again after the registry failed', async () => {
    const registry = schemas({ 7: contract }, 1);
    const transcode = createAvroLineTranscoder(registry, telemetryAvroSchema, TELEMETRY_LAYOUT);
    const value = reading();
    const record = confluent(7, contract, value);

    expect(transcode(record)).toBeUndefined();
    await settle();
    expect(transcode(record)).toBeUndefined();
    await settle();
    expect(transcode(record)).toBe(expected(value));
    expect(registry.asked).toEqual([7, 7]);
  });

  it('leaves values without the Confluent header to the general path without asking the registry', async () => {
    const registry = schemas({ 7: contract });
    const transcode = createAvroLineTranscoder(registry, telemetryAvroSchema, TELEMETRY_LAYOUT);

    expect(transcode(Buffer.from([0, 0, 0]))).toBeUndefined();
    expect(transcode(Buffer.concat([Buffer.from([1, 0, 0, 0, 7]), contract.toBuffer(reading())]))).toBeUndefined();
    await settle();
    expect(registry.asked).toEqual([]);
  });
});
