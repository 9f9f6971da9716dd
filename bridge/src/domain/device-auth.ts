import { createHmac, timingSafeEqual } from 'node:crypto';
import { telemetryTopic, VEHICLE_ID_PATTERN } from '@fleet/contracts';

/**
 * Device secrets are derived, not stored: secret = hex(HMAC-SHA256(masterKey, vehicleId)).
 * Provisioning computes the same value for each device; the bridge needs only the master key
 * (from the environment), and rotating it rotates every device's secret.
 */
export function deviceSecret(masterKey: string, vehicleId: string): string {
  return createHmac('sha256', masterKey).update(vehicleId, 'utf8').digest('hex');
}

/** True when `password` is the device secret of `username` (a vehicle id). Constant time in the secret. */
export function verifyDevice(masterKey: string, username: string | undefined, password: Uint8Array | undefined): boolean {
  if (username === undefined || password === undefined || !VEHICLE_ID_PATTERN.test(username)) return false;
  const expected = Buffer.from(deviceSecret(masterKey, username), 'utf8');
  const given = Buffer.from(password);
  // timingSafeEqual needs equal lengths; compare against the expected value itself so a wrong
  // length costs the same time as a wrong secret.
  const sameLength = given.length === expected.length;
  return timingSafeEqual(sameLength ? given : expected, expected) && sameLength;
}

/** A device may publish only its own telemetry topic. */
export function mayPublish(vehicleId: string, topic: string): boolean {
  return topic === telemetryTopic(vehicleId);
}
