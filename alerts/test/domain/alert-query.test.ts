import { describe, expect, it } from 'vitest';
import { queryAlerts } from '../../src/domain/alert-query';

const alerts = Array.from({ length: 25 }, (_, i) => ({
  key: `k${String(i).padStart(2, '0')}`,
  vehicleId: i % 2 === 0 ? 'even' : 'odd',
  type: i % 3 === 0 ? ('OVERSPEED' as const) : ('HARSH_BRAKING' as const),
  ts: 1000 + Math.floor(i / 2) * 10,
}));

describe('queryAlerts', () => {
  it('pages newest first without gaps or repeats', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = queryAlerts(alerts, { limit: 7, cursor });
      seen.push(...result.items.map((a) => a.key));
      if (result.nextCursor === null) break;
      cursor = result.nextCursor;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    const ts = seen.map((key) => alerts.find((a) => a.key === key)?.ts ?? 0);
    expect([...ts].sort((a, b) => b - a)).toEqual(ts);
  });

  it('filters by vehicle, type, time range and scope', () => {
    const page = queryAlerts(alerts, { limit: 100, vehicleIds: new Set(['even']), type: 'OVERSPEED', from: 1000, to: 1100 });
    expect(page.items.every((a) => a.vehicleId === 'even' && a.type === 'OVERSPEED' && a.ts < 1100)).toBe(true);
    expect(page.items.map((a) => a.key)).toEqual(['k18', 'k12', 'k06', 'k00']);
    expect(queryAlerts(alerts, { limit: 100 }, (a) => a.vehicleId === 'odd').items).toHaveLength(12);
  });

  it('rejects a forged cursor', () => {
    expect(() => queryAlerts(alerts, { limit: 5, cursor: 'nonsense' })).toThrow(RangeError);
  });
});
