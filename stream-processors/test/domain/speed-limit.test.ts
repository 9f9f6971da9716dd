import { describe, expect, it } from 'vitest';
import { applicableSpeedLimit } from '../../src/domain/speed-limit';

const zone = (speedLimitKph: number | null) => ({ speedLimitKph });

describe('applicableSpeedLimit', () => {
  it.each([
    { name: 'no zone, no vehicle limit: global default', zones: [], vehicle: undefined, expected: 120 },
    { name: 'no zone: the vehicle’s own limit', zones: [], vehicle: 90, expected: 90 },
    { name: 'zones without a limit do not count', zones: [zone(null)], vehicle: 90, expected: 90 },
    { name: 'a zone limit beats the vehicle limit', zones: [zone(30)], vehicle: 90, expected: 30 },
    { name: 'a zone limit applies even when higher than the vehicle’s', zones: [zone(130)], vehicle: 90, expected: 130 },
    { name: 'the lowest zone limit wins', zones: [zone(50), zone(null), zone(30), zone(80)], vehicle: undefined, expected: 30 },
  ])('$name', ({ zones, vehicle, expected }) => {
    expect(applicableSpeedLimit(zones, vehicle, 120)).toBe(expected);
  });
});
