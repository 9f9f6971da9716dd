import { geofenceSchema, ownerSchema, vehicleSchema } from '@fleet/contracts';
import { createKafka } from '@fleet/runtime';
import { afterAll, expect, it } from 'vitest';
import { getInfra, log, type RunningAlerts, startAlerts, testEnv } from '../support/harness';

const running: RunningAlerts[] = [];
afterAll(async () => {
  for (const instance of running) await instance.stop();
});

/** Reads a compacted topic the way a stream processor would: key → JSON value, tombstones delete. */
async function readTable(topic: string): Promise<Map<string, unknown>> {
  const kafka = createKafka({ brokers: getInfra().kafkaBrokers, clientId: 'alerts-test-reader', log });
  const admin = kafka.admin();
  await admin.connect();
  const [offsets] = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const end = Number(offsets?.high ?? 0);
  const table = new Map<string, unknown>();
  if (end === 0) return table;
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key?.toString() ?? '';
        if (message.value === null) table.delete(key);
        else table.set(key, JSON.parse(message.value.toString()));
        if (Number(message.offset) + 1 >= end) resolve();
      },
    });
  });
  await consumer.disconnect();
  return table;
}

it('the registry survives a restart: a new instance reads it back from Kafka, tokens included', async () => {
  const env = testEnv(getInfra(), 'alerts-restart');
  const first = await startAlerts(env);
  running.push(first);
  const owner = await first.api('POST', '/api/owners', { body: { id: 'o1', name: 'Olga', email: 'olga@example.com', timezone: 'Europe/Vienna' } });
  await first.api('POST', '/api/owners', { body: { id: 'gone', name: 'Gone', email: 'gone@example.com' } });
  await first.api('DELETE', '/api/owners/gone');
  await first.api('POST', '/api/vehicles', { body: { id: 'v1', ownerId: 'o1', name: 'Van', speedLimitKph: 80 } });
  await first.api('PATCH', '/api/vehicles/v1', { body: { name: 'Van 2' } });
  await first.api('POST', '/api/geofences', {
    body: { id: 'g1', name: 'Depot', shape: { type: 'Circle', center: [16.37, 48.2], radiusM: 300 }, speedLimitKph: 20, vehicleIds: ['v1'] },
  });
  await first.stop();
  running.pop();

  const second = await startAlerts(env);
  running.push(second);
  expect((await second.api('GET', '/api/vehicles/v1')).body).toEqual({ id: 'v1', ownerId: 'o1', name: 'Van 2', speedLimitKph: 80 });
  expect((await second.api('GET', '/api/owners/gone')).status).toBe(404);
  expect((await second.api('GET', '/api/geofences/g1')).body.shape).toEqual({ type: 'Circle', center: [16.37, 48.2], radiusM: 300 });
  // The owner token issued by the first instance still works (its hash was read back).
  expect((await second.api('GET', '/api/vehicles/v1', { token: owner.body.token })).status).toBe(200);

  // The topics hold exactly the contract records the stream processors parse, and no token.
  const owners = await readTable(env.REGISTRY_OWNERS_TOPIC as string);
  expect([...owners.keys()]).toEqual(['o1']);
  expect(ownerSchema.parse(owners.get('o1'))).toEqual(owners.get('o1'));
  expect(JSON.stringify(owners.get('o1'))).not.toContain('token');
  const vehicles = await readTable(env.REGISTRY_VEHICLES_TOPIC as string);
  expect(vehicleSchema.parse(vehicles.get('v1'))).toEqual(vehicles.get('v1'));
  const geofences = await readTable(env.REGISTRY_GEOFENCES_TOPIC as string);
  expect(geofenceSchema.parse(geofences.get('g1'))).toEqual(geofences.get('g1'));
});
