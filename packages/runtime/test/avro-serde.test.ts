import { telemetryAvroSchema, valueSubject } from '@fleet/contracts';
import { getInfra, uniqueName } from '@fleet/testkit';
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/app-error';
import { createAvroSerde } from '../src/avro-serde';

const reading = {
  vehicleId: 'v-1',
  ts: 1_763_900_000_000,
  receivedAt: 1_763_900_000_050,
  seq: 7,
  lat: 52.5,
  lon: 13.4,
  speedKph: 88.25,
  headingDeg: null,
  gpsAccuracyM: null,
  accelLongMps2: -1.5,
  rpm: null,
  engineLoadPct: null,
  throttlePct: null,
  fuelLevelPct: null,
  coolantTempC: null,
  batteryV: 13.9,
  odometerKm: null,
  ignition: true,
  dtc: ['P0300'],
};

describe('Avro serde over the real schema registry', () => {
  it('registers under <topic>-value, writes the Confluent wire format and decodes it back', async () => {
    const serde = createAvroSerde({ registryUrl: getInfra().registryUrl });
    const subject = valueSubject(uniqueName('serde'));
    const encode = await serde.encoderFor<typeof reading>(subject, telemetryAvroSchema);
    const bytes = encode(reading);
    expect(bytes.readUInt8(0)).toBe(0);
    const schemaId = bytes.readInt32BE(1);
    expect(schemaId).toBeGreaterThan(0);

    const latest = await fetch(`${getInfra().registryUrl}/subjects/${subject}/versions/latest`);
    expect(((await latest.json()) as { id: number }).id).toBe(schemaId);

    // A separate serde instance knows nothing cached: it fetches the writer schema by id.
    const decode = createAvroSerde({ registryUrl: getInfra().registryUrl }).decoderFor<typeof reading>(telemetryAvroSchema);
    expect(await decode(bytes)).toEqual(reading);
  });

  it('gives every record its own bytes, and encodes one larger than the scratch buffer too', async () => {
    const serde = createAvroSerde({ registryUrl: getInfra().registryUrl });
    const encode = await serde.encoderFor<typeof reading>(valueSubject(uniqueName('sizes')), telemetryAvroSchema);
    const decode = serde.decoderFor<typeof reading>(telemetryAvroSchema);
    const first = encode(reading);
    const second = encode({ ...reading, vehicleId: 'other-vehicle' });
    const huge = { ...reading, dtc: Array.from({ length: 20_000 }, () => 'P0300') };
    const large = encode(huge);
    expect(large.length).toBeGreaterThan(64 * 1024);
    expect(await decode(first)).toEqual(reading);
    expect((await decode(second)).vehicleId).toBe('other-vehicle');
    expect(await decode(large)).toEqual(huge);
    expect(large.readInt32BE(1)).toBe(first.readInt32BE(1));
  });

  it('decodes synchronously once the writer schema is known, and throws a permanent error for a truncated body', async () => {
    const serde = createAvroSerde({ registryUrl: getInfra().registryUrl });
    const bytes = await serde.encoderFor<typeof reading>(valueSubject(uniqueName('sync')), telemetryAvroSchema).then((encode) => encode(reading));
    const decode = createAvroSerde({ registryUrl: getInfra().registryUrl }).decoderFor<typeof reading>(telemetryAvroSchema);
    const first = decode(bytes);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual(reading);
    expect(decode(bytes)).toEqual(reading);
    expect(() => decode(bytes.subarray(0, bytes.length - 3))).toThrow(expect.objectContaining({ code: 'AVRO_UNDECODABLE', retriable: false }));
  });

  it('reads records written with an older schema through a newer reader schema (BACKWARD)', async () => {
    const serde = createAvroSerde({ registryUrl: getInfra().registryUrl });
    const subject = valueSubject(uniqueName('evolve'));
    const v1 = { type: 'record', name: 'Sample', fields: [{ name: 'id', type: 'string' }] };
    const v2 = { ...v1, fields: [...v1.fields, { name: 'note', type: ['null', 'string'], default: null }] };
    const encodeV1 = await serde.encoderFor<{ id: string }>(subject, v1);
    await serde.encoderFor(subject, v2);
    expect(await serde.decoderFor<{ id: string; note: string | null }>(v2)(encodeV1({ id: 'a' }))).toEqual({ id: 'a', note: null });
  });

  it('rejects an incompatible schema change as permanent', async () => {
    const serde = createAvroSerde({ registryUrl: getInfra().registryUrl });
    const subject = valueSubject(uniqueName('incompatible'));
    await serde.encoderFor(subject, { type: 'record', name: 'S', fields: [{ name: 'id', type: 'string' }] });
    const breaking = { type: 'record', name: 'S', fields: [{ name: 'id', type: 'long' }] };
    await expect(serde.encoderFor(subject, breaking)).rejects.toMatchObject({ retriable: false });
  });

  it.each([
    ['not the wire format', Buffer.from('{"json":true}'), 'AVRO_NOT_CONFLUENT'],
    ['an unknown schema id', Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 2, 0x41]), 'AVRO_UNKNOWN_SCHEMA'],
  ])('classifies %s as a permanent error', async (_name, bytes, code) => {
    const decode = createAvroSerde({ registryUrl: getInfra().registryUrl }).decoderFor(telemetryAvroSchema);
    const error = await Promise.resolve()
      .then(() => decode(bytes))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code, retriable: false });
  });

  it('classifies an unreachable registry as transient', async () => {
    const decode = createAvroSerde({ registryUrl: 'http://127.0.0.1:9' }).decoderFor(telemetryAvroSchema);
    await expect(decode(Buffer.from([0, 0, 0, 0, 1, 0]))).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE', retriable: true });
  });

  it('names the invalid field when a value does not match the schema', async () => {
    const serde = createAvroSerde({ registryUrl: getInfra().registryUrl });
    const encode = await serde.encoderFor<Record<string, unknown>>(valueSubject(uniqueName('invalid')), telemetryAvroSchema);
    expect(() => encode({ ...reading, speedKph: 'fast' })).toThrow(/speedKph/);
  });
});
