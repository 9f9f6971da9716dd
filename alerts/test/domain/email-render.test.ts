import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../src/domain/email-render';
import { formatDuration } from '../../src/domain/email-text';

const ts = Date.UTC(2025, 2, 4, 13, 5, 12);
const owner = { name: 'Alice <Admin>', timezone: 'Europe/Berlin' };
const vehicle = { id: 'v1', name: 'Delivery van', plate: 'B-FL 123' };
const facts = {
  type: 'OVERSPEED' as const,
  ts,
  lat: 52.520008,
  lon: 13.404954,
  speedKph: 131.4,
  limitKph: 100,
  peakSpeedKph: null,
  durationMs: null,
  accelMps2: null,
  geofenceName: null,
};

describe('renderEmail', () => {
  it('describes an overspeed in plain language with local time, limit, map link and the episode', () => {
    const email = renderEmail({
      owner,
      vehicle,
      about: { kind: 'event', event: facts, episode: { durationMs: 42_000, peakSpeedKph: 131 } },
      carries: { count: 9, firstTs: ts - 120_000, lastTs: ts - 1000 },
    });
    expect(email.subject).toBe('Speeding: Delivery van (B-FL 123) at 131 km/h (limit 100 km/h)');
    expect(email.text).toContain('Delivery van (B-FL 123) was driving at 131 km/h where the limit is 100 km/h.');
    expect(email.text).toContain('When: Tue, 4 Mar 2025, 14:05:12 CET');
    expect(email.text).toContain('lasted 42 s and peaked at 131 km/h');
    expect(email.text).toContain('And 9 more speeding events since Tue, 4 Mar 2025, 14:03:12 CET');
    expect(email.text).toContain('https://www.openstreetmap.org/?mlat=52.52001&mlon=13.40495#map=17/52.52001/13.40495');
    expect(email.html).toContain('Hello Alice &lt;Admin&gt;,');
    expect(email.html).not.toContain('<Admin>');
  });

  it('names the geofence and the deceleration', () => {
    const exit = renderEmail({ owner, vehicle, about: { kind: 'event', event: { ...facts, type: 'GEOFENCE_EXIT', geofenceName: 'Depot' }, episode: null }, carries: null });
    expect(exit.subject).toBe('Delivery van (B-FL 123) left Depot');
    expect(exit.text).toContain('Geofence: Depot');
    const braking = renderEmail({ owner, vehicle, about: { kind: 'event', event: { ...facts, type: 'HARSH_BRAKING', accelMps2: -5.2 }, episode: null }, carries: null });
    expect(braking.text).toContain('braked hard: peak deceleration 5.2 m/s² (0.53 g)');
  });

  it('renders a summary of folded events', () => {
    const summary = renderEmail({ owner, vehicle, about: { kind: 'summary', type: 'OVERSPEED' }, carries: { count: 9, firstTs: ts, lastTs: ts + 60_000 } });
    expect(summary.subject).toBe('Delivery van (B-FL 123): 9 more speeding events');
    expect(summary.text).toContain('Last: Tue, 4 Mar 2025, 14:06:12 CET');
  });

  it('formats durations', () => {
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(3_720_000)).toBe('1 h 2 min');
  });
});
