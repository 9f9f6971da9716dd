import { describe, expect, it } from 'vitest';
import { deviceSecret, mayPublish, verifyDevice } from '../../src/domain/device-auth';

const key = 'a-master-key-of-32-characters!!!';

describe('device auth', () => {
  it('derives a stable per-device secret', () => {
    expect(deviceSecret(key, 'v-1')).toBe(deviceSecret(key, 'v-1'));
    expect(deviceSecret(key, 'v-1')).not.toBe(deviceSecret(key, 'v-2'));
    expect(deviceSecret(key, 'v-1')).not.toBe(deviceSecret(`${key}x`, 'v-1'));
  });

  it('verifies only the right secret for the right vehicle', () => {
    const secret = Buffer.from(deviceSecret(key, 'v-1'));
    expect(verifyDevice(key, 'v-1', secret)).toBe(true);
    expect(verifyDevice(key, 'v-2', secret)).toBe(false);
    expect(verifyDevice(key, 'v-1', Buffer.from('short'))).toBe(false);
    expect(verifyDevice(key, 'v-1', undefined)).toBe(false);
    expect(verifyDevice(key, undefined, secret)).toBe(false);
    expect(verifyDevice(key, 'bad/id', secret)).toBe(false);
  });

  it('allows publishing only to the own telemetry topic', () => {
    expect(mayPublish('v-1', 'vehicles/v-1/telemetry')).toBe(true);
    expect(mayPublish('v-1', 'vehicles/v-2/telemetry')).toBe(false);
    expect(mayPublish('v-1', 'vehicles/v-1/other')).toBe(false);
  });
});
