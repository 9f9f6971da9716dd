import { createKafka, createProducer } from '@fleet/runtime';
import { mailsTo, waitFor } from '@fleet/testkit';
import { afterAll, expect, it } from 'vitest';
import { eventFacts } from '../../src/notifications/notification-record';
import { eventProducer, getInfra, log, type RunningAlerts, startAlerts, testEnv, uniqueAddress, vehicleEvent } from '../support/harness';
import { pendingEmail } from '../support/records';

const infra = getInfra();
const running: RunningAlerts[] = [];
afterAll(async () => {
  for (const instance of running) await instance.stop();
});

it('a decision recorded as pending before a crash is sent once after the restart, and its replayed event is not sent again', async () => {
  const env = testEnv(infra, 'alerts-crash');
  const email = uniqueAddress('crash');
  const first = await startAlerts(env);
  running.push(first);
  await first.api('POST', '/api/owners', { body: { id: 'oc', name: 'Crash Owner', email } });
  await first.api('POST', '/api/vehicles', { body: { id: 'vc', ownerId: 'oc', name: 'Crash Van' } });
  await first.stop();
  running.pop();

  // The state a crash leaves behind between "decision recorded" and "email sent".
  const event = vehicleEvent('HARSH_ACCELERATION', 'vc', Date.now() - 5 * 60_000, { accelMps2: 4.2 });
  const pending = pendingEmail({ key: event.eventId, vehicleId: 'vc', ownerId: 'oc', type: event.type, ts: event.ts, facts: eventFacts(event) }, Date.now());
  const producer = createProducer(createKafka({ brokers: infra.kafkaBrokers, clientId: 'alerts-test', log }));
  await producer.connect();
  await producer.send({ topic: env.NOTIFICATIONS_TOPIC as string, acks: -1, messages: [{ key: pending.key, value: JSON.stringify(pending) }] });
  await producer.disconnect();

  const second = await startAlerts(env);
  running.push(second);
  await waitFor(async () => (await mailsTo(infra.mailApiUrl, email)).length === 1, { timeoutMs: 30_000 });
  const events = await eventProducer(infra, env.EVENTS_TOPIC as string);
  await events.send([event]);
  await events.close();
  await waitFor(async () => {
    const { body } = await second.api('GET', '/api/alerts?vehicleId=vc');
    return body.items[0]?.notification.status === 'sent';
  }, { timeoutMs: 30_000 });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const mails = await mailsTo(infra.mailApiUrl, email);
  expect(mails).toHaveLength(1);
  expect(mails[0]?.Subject).toBe('Harsh acceleration: Crash Van');
});
