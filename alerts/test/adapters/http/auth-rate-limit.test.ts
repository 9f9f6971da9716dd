import { afterAll, beforeAll, expect, it } from 'vitest';
import { getInfra, type RunningAlerts, startAlerts, testEnv } from '../../support/harness';

let alerts: RunningAlerts;

beforeAll(async () => {
  alerts = await startAlerts({ ...testEnv(getInfra(), 'alerts-ratelimit'), AUTH_FAILURE_LIMIT: '3' });
});

afterAll(async () => {
  await alerts?.stop();
});

it('after too many failed attempts from one address every request from it gets 429', async () => {
  // Successful requests do not count against the limit.
  for (let i = 0; i < 5; i++) expect((await alerts.api('GET', '/api/owners')).status).toBe(200);
  for (let i = 0; i < 3; i++) expect((await alerts.api('GET', '/api/owners', { token: 'wrong-token-wrong-token' })).status).toBe(401);
  const blocked = await alerts.api('GET', '/api/owners', { token: 'wrong-token-wrong-token' });
  expect(blocked.status).toBe(429);
  expect(blocked.body.error.code).toBe('TOO_MANY_FAILED_ATTEMPTS');
  expect((await alerts.api('GET', '/api/owners')).status).toBe(429);
});
