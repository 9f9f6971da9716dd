import { Point } from '@influxdata/influxdb-client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventLine as buildLine, eventTimeNs } from '../../src/domain/event-line';
import { asText } from '../support/lines';
import { event } from '../support/readings';

const eventLine = (value: Parameters<typeof buildLine>[0]) => asText(buildLine(value));

describe('eventLine', () => {
  it('writes tags vehicle_id and type, the id and evidence as fields, time on the device millisecond', () => {
    expect(eventLine(event())).toEqual({
      ok: true,
      line:
        'events,type=OVERSPEED,vehicle_id=veh-1 event_id="0f0e0d0c-0b0a-8908-8706-050403020100",lat=52.52,limit_kph=120,' +
        'lon=13.405,speed_kph=131.5 1700000000123000000',
    });
  });

  it('keeps two geofence events of one reading apart, deterministically, within the same millisecond', () => {
    const a = eventTimeNs({ ts: 1_700_000_000_123, geofenceId: 'depot' });
    const b = eventTimeNs({ ts: 1_700_000_000_123, geofenceId: 'city' });
    expect(a).not.toBe(b);
    expect(a.slice(0, -6)).toBe('1700000000123');
    expect(b.slice(0, -6)).toBe('1700000000123');
    expect(eventTimeNs({ ts: 1_700_000_000_123, geofenceId: 'depot' })).toBe(a);
  });

  it('quotes and escapes string evidence', () => {
    const result = eventLine(event({ type: 'GEOFENCE_EXIT', geofenceId: 'g1', geofenceName: 'Depot "North" \\ 2', limitKph: null }));
    expect(result).toMatchObject({ ok: true, line: expect.stringContaining('geofence_id="g1",geofence_name="Depot \\"North\\" \\\\ 2"') });
  });

  it('rejects non-finite evidence', () => {
    expect(eventLine(event({ accelMps2: Number.NaN }))).toMatchObject({ ok: false, reason: 'NON_FINITE' });
    expect(eventLine(event({ durationMs: Number.POSITIVE_INFINITY }))).toMatchObject({ ok: false, reason: 'NON_FINITE' });
  });

  it('matches the client Point byte for byte', () => {
    const optionalFloat = fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null });
    const optionalText = fc.option(fc.string({ maxLength: 12 }), { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          vehicleId: fc.stringMatching(/^[A-Za-z0-9._-]{1,16}$/),
          type: fc.constantFrom('OVERSPEED', 'HARSH_BRAKING', 'GEOFENCE_EXIT' as const),
          ts: fc.integer({ min: 0, max: 4_102_444_800_000 }),
          speedKph: fc.double({ min: 0, max: 400, noNaN: true }),
          limitKph: optionalFloat,
          durationMs: optionalFloat,
          accelMps2: optionalFloat,
          geofenceId: optionalText,
          geofenceName: optionalText,
        }),
        (partial) => {
          const value = event(partial);
          const point = new Point('events')
            .tag('vehicle_id', value.vehicleId)
            .tag('type', value.type)
            .stringField('event_id', value.eventId)
            .floatField('lat', value.lat)
            .floatField('lon', value.lon)
            .floatField('speed_kph', value.speedKph)
            .timestamp(eventTimeNs(value));
          if (value.limitKph !== null) point.floatField('limit_kph', value.limitKph);
          if (value.durationMs !== null) point.floatField('duration_ms', value.durationMs);
          if (value.accelMps2 !== null) point.floatField('accel_mps2', value.accelMps2);
          if (value.geofenceId !== null) point.stringField('geofence_id', value.geofenceId);
          if (value.geofenceName !== null) point.stringField('geofence_name', value.geofenceName);
          expect(eventLine(value)).toEqual({ ok: true, line: point.toLineProtocol() });
        },
      ),
      { numRuns: 500 },
    );
  });
});
