import { type TelemetryReading, telemetryAvroSchema } from '@fleet/contracts';
import avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileAvroLineProgram } from '../../src/domain/avro-line-program';
import { TELEMETRY_LAYOUT, telemetryLine } from '../../src/domain/telemetry-line';
import { reading } from '../support/readings';

type Field = { name: string; type: unknown; default?: unknown };
const contractFields = (telemetryAvroSchema as { fields: Field[] }).fields;
const reader = avro.Type.forSchema(telemetryAvroSchema as avro.Schema);

/** A writer schema derived from the contract: some fields changed, left out or added. */
function writerSchema(change: { replace?: Record<string, unknown>; drop?: string[]; add?: Field[] } = {}): avro.Type {
  const fields = contractFields
    .filter((field) => !change.drop?.includes(field.name))
    .map((field) => (change.replace && field.name in change.replace ? { name: field.name, type: change.replace[field.name] } : field));
  return avro.Type.forSchema({ ...telemetryAvroSchema, fields: [...(change.add ?? []), ...fields] } as avro.Schema);
}

function program(writer: avro.Type) {
  const compiled = compileAvroLineProgram(writer, reader, TELEMETRY_LAYOUT);
  if (!compiled) throw new Error('expected a direct reader for this writer schema');
  return compiled;
}

/** What the sink writes without the direct reader: decode to the reader schema, then build the line. */
function generalPath(writer: avro.Type, body: Buffer): string | 'refused' {
  let decoded: { value: unknown; offset: number };
  try {
    decoded = reader.decode(body, 0, reader.createResolver(writer));
  } catch {
    return 'refused';
  }
  if (decoded.offset < 0) return 'refused';
  const built = telemetryLine(decoded.value as TelemetryReading);
  return built.ok ? built.line : 'refused';
}

const optionalFloat = fc.option(fc.double(), { nil: null });
/** avsc encodes a long only within ±(2^53 - 2). */
const avroLong = { min: -(Number.MAX_SAFE_INTEGER - 1), max: Number.MAX_SAFE_INTEGER - 1 };
const anyReading = fc.record({
  vehicleId: fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^[A-Za-z0-9._-]{1,16}$/)),
  ts: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer(avroLong), fc.constant(avroLong.max)),
  seq: fc.option(fc.oneof(fc.nat(), fc.integer({ min: 0, max: avroLong.max })), { nil: null }),
  lat: fc.double(),
  lon: fc.double({ min: -180, max: 180, noNaN: true }),
  speedKph: fc.double({ min: 0, max: 400, noNaN: true }),
  headingDeg: optionalFloat,
  rpm: optionalFloat,
  odometerKm: optionalFloat,
  coolantTempC: optionalFloat,
  ignition: fc.option(fc.boolean(), { nil: null }),
  dtc: fc.array(fc.oneof(fc.constantFrom('P0300', 'C1234'), fc.string({ maxLength: 4 })), { maxLength: 3 }),
});
/** The readings the pipeline carries: ASCII ids, finite numbers, timestamps of this century. */
const plainReading = fc.record({
  vehicleId: fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
  ts: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  seq: fc.option(fc.nat(), { nil: null }),
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  speedKph: fc.double({ min: 0, max: 400, noNaN: true }),
  rpm: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
  ignition: fc.option(fc.boolean(), { nil: null }),
  dtc: fc.array(fc.stringMatching(/^[PCBU][0-9A-F]{4}$/), { maxLength: 4 }),
});

describe('compileAvroLineProgram', () => {
  const contract = writerSchema();

  it('writes a reading exactly as decoding it and building its line does', () => {
    const body = contract.toBuffer(reading({ seq: 7, rpm: 2100, batteryV: 13.8, ignition: false, dtc: ['P0300', 'P0171'] }));
    expect(program(contract)(body, 0)).toBe(
      'telemetry,vehicle_id=veh-1 battery_v=13.8,dtc="P0300,P0171",ignition=F,lat=52.52,lon=13.405,rpm=2100,seq=7,speed_kph=50 1700000000123',
    );
  });

  it('reads at an offset (after the Confluent header)', () => {
    const body = Buffer.concat([Buffer.from([0, 0, 0, 0, 9]), contract.toBuffer(reading())]);
    expect(program(contract)(body, 5)).toBe(generalPath(contract, body.subarray(5)));
  });

  it('takes every reading the pipeline carries directly', () => {
    const direct = program(contract);
    fc.assert(
      fc.property(plainReading, (partial) => {
        const body = contract.toBuffer(reading(partial));
        expect(direct(body, 0)).toBe(generalPath(contract, body));
      }),
      { numRuns: 500 },
    );
  });

  it('never writes a line the general path would not, for any reading', () => {
    const direct = program(contract);
    let taken = 0;
    fc.assert(
      fc.property(anyReading, (partial) => {
        const body = contract.toBuffer(reading(partial));
        const line = direct(body, 0);
        if (line !== undefined) {
          taken++;
          expect(line).toBe(generalPath(contract, body));
        }
      }),
      { numRuns: 1000 },
    );
    expect(taken).toBeGreaterThan(100);
  });

  it.each([
    ['a non-finite number', { lat: Number.NaN }],
    ['an infinite optional number', { rpm: Number.NEGATIVE_INFINITY }],
    ['an empty vehicle id', { vehicleId: '' }],
    ['a vehicle id outside ASCII', { vehicleId: 'fahrzeug-ü' }],
    ['a trouble code outside ASCII', { dtc: ['P0300', 'Pé'] }],
    ['a time beyond 2^48 ms', { ts: 2 ** 50 }],
  ])('leaves %s to the general path', (_, overrides) => {
    expect(program(contract)(contract.toBuffer(reading(overrides as Partial<TelemetryReading>)), 0)).toBeUndefined();
  });

  it('escapes tag and string values like the general path', () => {
    const body = contract.toBuffer(reading({ vehicleId: 'a b,c=d', dtc: ['x"y\\z'] }));
    const line = program(contract)(body, 0);
    expect(line).toContain('vehicle_id=a\\ b\\,c\\=d ');
    expect(line).toBe(generalPath(contract, body));
  });

  it('never reads past a truncated or malformed body', () => {
    const direct = program(contract);
    fc.assert(
      fc.property(plainReading, fc.nat(), (partial, cut) => {
        const whole = contract.toBuffer(reading(partial));
        const body = whole.subarray(0, cut % whole.length);
        expect(direct(body, 0)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const body = Buffer.from(bytes);
        const line = direct(body, 0);
        if (line !== undefined) expect(line).toBe(generalPath(contract, body));
      }),
      { numRuns: 1000 },
    );
  });

  describe('other writer schemas the contract resolves', () => {
    const evolved: [string, avro.Type][] = [
      ['an older writer without some optional fields', writerSchema({ drop: ['rpm', 'ignition', 'dtc'] })],
      [
        'a newer writer with fields the reader does not know',
        writerSchema({
          add: [
            { name: 'firmware', type: 'string' },
            { name: 'raw', type: 'bytes' },
            { name: 'mode', type: { type: 'enum', name: 'Mode', symbols: ['A', 'B'] } },
            { name: 'mac', type: { type: 'fixed', name: 'Mac', size: 6 } },
            { name: 'note', type: ['null', 'string', 'long'] },
            { name: 'tags', type: { type: 'array', items: 'string' } },
          ],
        }),
      ],
      ['promoted numbers (int, long, float to double)', writerSchema({ replace: { seq: ['null', 'int'], speedKph: 'float', rpm: ['null', 'long'], lon: 'int' } })],
      ['a union in another branch order', writerSchema({ replace: { headingDeg: ['double', 'null'], ignition: ['boolean', 'null'] } })],
    ];

    it.each(evolved)('%s', (_, writer) => {
      const direct = program(writer);
      let taken = 0;
      fc.assert(
        fc.property(plainReading, fc.nat(), (partial, salt) => {
          const value = {
            ...reading(partial),
            lon: salt % 180,
            rpm: partial.rpm === null ? null : salt % 7000,
            firmware: `fw-${salt}`,
            raw: Buffer.from([salt & 0xff]),
            mode: salt % 2 === 0 ? 'A' : 'B',
            mac: Buffer.alloc(6, salt & 0xff),
            note: salt % 3 === 0 ? null : salt % 3 === 1 ? 'n' : salt,
            tags: ['t1', 't2'].slice(0, salt % 3),
          };
          const body = writer.toBuffer(value);
          const line = direct(body, 0);
          if (line !== undefined) taken++;
          expect(line).toBe(generalPath(writer, body));
        }),
        { numRuns: 200 },
      );
      expect(taken).toBe(200);
    });

    it('has no direct reader for a writer with a nested record or a map', () => {
      const nested = writerSchema({ add: [{ name: 'pos', type: { type: 'record', name: 'Pos', fields: [{ name: 'x', type: 'double' }] } }] });
      const mapped = writerSchema({ add: [{ name: 'extra', type: { type: 'map', values: 'string' } }] });
      expect(compileAvroLineProgram(nested, reader, TELEMETRY_LAYOUT)).toBeUndefined();
      expect(compileAvroLineProgram(mapped, reader, TELEMETRY_LAYOUT)).toBeUndefined();
    });

    it('has no direct reader where a missing field would take a default other than absent', () => {
      const readerWithDefault = avro.Type.forSchema({
        ...telemetryAvroSchema,
        fields: contractFields.map((field) => (field.name === 'rpm' ? { name: 'rpm', type: ['double', 'null'], default: 800 } : field)),
      } as avro.Schema);
      const writer = writerSchema({ drop: ['rpm'] });
      expect(compileAvroLineProgram(writer, readerWithDefault, TELEMETRY_LAYOUT)).toBeUndefined();
      expect(compileAvroLineProgram(writer, reader, TELEMETRY_LAYOUT)).toBeDefined();
    });
  });
});
