import { Point } from '@influxdata/influxdb-client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TELEMETRY_FIELDS, telemetryLine as buildLine } from '../../src/domain/telemetry-line';
import { asText } from '../support/lines';
import { reading } from '../support/readings';

const telemetryLine = (value: Parameters<typeof buildLine>[0]) => asText(buildLine(value));

describe('telemetryLine', () => {
  it('writes the required fields as floats, tag vehicle_id, time in ms', () => {
    expect(telemetryLine(reading())).toEqual({
      ok: true,
      line: 'telemetry,vehicle_id=veh-1 lat=52.52,lon=13.405,speed_kph=50 1700000000123',
    });
  });

  it('writes every optional reading that is present, whole numbers without the integer suffix', () => {
    const result = telemetryLine(
      reading({
        seq: 7,
        headingDeg: 90,
        gpsAccuracyM: 3.5,
        accelLongMps2: -4.2,
        rpm: 2100,
        engineLoadPct: 40,
        throttlePct: 12.5,
        fuelLevelPct: 80,
        coolantTempC: -5,
        batteryV: 13.8,
        odometerKm: 120345.6,
        ignition: true,
        dtc: ['P0300', 'P0171'],
      }),
    );
    expect(result).toEqual({
      ok: true,
      line:
        'telemetry,vehicle_id=veh-1 accel_long_mps2=-4.2,battery_v=13.8,coolant_temp_c=-5,dtc="P0300,P0171",' +
        'engine_load_pct=40,fuel_level_pct=80,gps_accuracy_m=3.5,heading_deg=90,ignition=T,lat=52.52,lon=13.405,' +
        'odometer_km=120345.6,rpm=2100,seq=7,speed_kph=50,throttle_pct=12.5 1700000000123',
    });
    expect(result.ok && result.line).not.toMatch(/\di[, ]/);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('rejects a non-finite number (%s) before InfluxDB sees it', (bad) => {
    expect(telemetryLine(reading({ rpm: bad }))).toMatchObject({ ok: false, reason: 'NON_FINITE', error: expect.stringContaining('rpm') });
    expect(telemetryLine(reading({ speedKph: bad }))).toMatchObject({ ok: false, reason: 'NON_FINITE' });
  });

  it('rejects an empty vehicle id and a non-integer time', () => {
    expect(telemetryLine(reading({ vehicleId: '' }))).toMatchObject({ ok: false, reason: 'INVALID' });
    expect(telemetryLine(reading({ ts: 1.5 }))).toMatchObject({ ok: false, reason: 'INVALID' });
  });

  it('escapes the tag value like the client Point does', () => {
    expect(telemetryLine(reading({ vehicleId: 'a b,c=d' }))).toMatchObject({ line: expect.stringContaining('vehicle_id=a\\ b\\,c\\=d ') });
  });

  it('builds byte-identical lines to the client Point for any reading', () => {
    const optionalFloat = fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null });
    const arbitraryReading = fc.record({
      vehicleId: fc.string({ minLength: 1, maxLength: 20 }).filter((id) => id.trim() === id && id !== ''),
      ts: fc.integer({ min: 0, max: 4_102_444_800_000 }),
      seq: fc.option(fc.nat(), { nil: null }),
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      lon: fc.double({ min: -180, max: 180, noNaN: true }),
      speedKph: fc.double({ min: 0, max: 400, noNaN: true }),
      headingDeg: optionalFloat,
      rpm: optionalFloat,
      odometerKm: optionalFloat,
      coolantTempC: optionalFloat,
      ignition: fc.option(fc.boolean(), { nil: null }),
      dtc: fc.array(fc.constantFrom('P0300', 'C1234', 'U0100'), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(arbitraryReading, (partial) => {
        const value = reading(partial);
        const point = new Point('telemetry').tag('vehicle_id', value.vehicleId).timestamp(String(value.ts));
        for (const spec of TELEMETRY_FIELDS) {
          const field = value[spec.key];
          if (field === null) continue;
          if (spec.kind === 'float') point.floatField(spec.field, field);
          else if (spec.kind === 'bool') point.booleanField(spec.field, field);
          else if (Array.isArray(field) && field.length > 0) point.stringField(spec.field, field.join(','));
        }
        expect(telemetryLine(value)).toEqual({ ok: true, line: point.toLineProtocol() });
      }),
      { numRuns: 500 },
    );
  });
});
