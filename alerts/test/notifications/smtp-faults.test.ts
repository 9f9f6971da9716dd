import type { Env } from '@fleet/runtime';
import { influxQl, waitFor } from '@fleet/testkit';
import { afterEach, expect, it } from 'vitest';
import { eventProducer, getInfra, type RunningAlerts, startAlerts, testEnv, vehicleEvent } from '../support/harness';
import { type FaultServer, startFaultServer } from '../support/smtp-fault-server';

const infra = getInfra();
/** Vehicle ids unique to this run: InfluxDB is shared between runs. */
const run = Date.now().toString(36);
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup.length = 0;
});

async function setup(prefix: string, smtp: FaultServer): Promise<{ alerts: RunningAlerts; send: (events: ReturnType<typeof vehicleEvent>[]) => Promise<void> }> {
  const env: Env = { ...testEnv(infra, prefix), SMTP_PORT: String(smtp.port) };
  const alerts = await startAlerts(env);
  const producer = await eventProducer(infra, env.EVENTS_TOPIC as string);
  cleanup.push(() => smtp.close(), () => alerts.stop(), () => producer.close());
  return { alerts, send: (events) => producer.send(events) };
}

async function ownerWithVehicle(alerts: RunningAlerts, ownerId: string, email: string, vehicleId: string): Promise<void> {
  expect((await alerts.api('POST', '/api/owners', { body: { id: ownerId, name: ownerId, email } })).status).toBe(201);
  expect((await alerts.api('POST', '/api/vehicles', { body: { id: vehicleId, ownerId, name: vehicleId } })).status).toBe(201);
}

async function notification(alerts: RunningAlerts, vehicleId: string, status: string) {
  return waitFor(async () => {
    const { body } = await alerts.api('GET', `/api/alerts?vehicleId=${vehicleId}`);
    const item = body.items[0];
    return item?.notification.status === status ? item : null;
  }, { timeoutMs: 30_000, message: `${vehicleId} ${status}` });
}

it('SMTP answering 451 then 250 → one email, recorded sent after two attempts', async () => {
  const smtp = await startFaultServer({ dataReplies: [451, 250] });
  const { alerts, send } = await setup('alerts-smtp451', smtp);
  await ownerWithVehicle(alerts, 'o451', 'o451@example.com', 'v451');
  await send([vehicleEvent('HARSH_BRAKING', 'v451', Date.now() - 60_000, { accelMps2: -6 })]);
  const item = await notification(alerts, 'v451', 'sent');
  expect(item.notification).toMatchObject({ attempts: 2, recipient: 'o451@example.com' });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(smtp.dataAttempts).toBe(2);
  expect(smtp.accepted).toHaveLength(1);
  expect(smtp.accepted[0]?.raw).toContain('Subject: Harsh braking: v451');
});

it('SMTP 550 → recorded failed at once, and the stream moves on to the next event', async () => {
  const smtp = await startFaultServer({ dataReplies: [], reject: /^bounce/ });
  const { alerts, send } = await setup('alerts-smtp550', smtp);
  const v550 = `${run}-v550`;
  await ownerWithVehicle(alerts, 'o550', 'bounce@example.com', v550);
  await ownerWithVehicle(alerts, 'ook', 'ok@example.com', 'vok');
  const ts = Date.now() - 60_000;
  await send([vehicleEvent('OVERSPEED', v550, ts), vehicleEvent('OVERSPEED', 'vok', ts + 1000)]);
  const failed = await notification(alerts, v550, 'failed');
  expect(failed.notification).toMatchObject({ reason: 'smtp-rejected', attempts: 1, recipient: 'bounce@example.com' });
  await notification(alerts, 'vok', 'sent');
  expect(smtp.accepted.map((mail) => mail.to)).toEqual([['ok@example.com']]);
  const rows = await waitFor(async () => {
    const found = await influxQl(infra.influx, `SELECT * FROM notifications WHERE vehicle_id = '${v550}'`);
    return found.length > 0 ? found : null;
  }, { timeoutMs: 20_000 });
  expect(rows).toMatchObject([{ status: 'failed', recipient: 'bounce@example.com', attempts: 1 }]);
});

it('SMTP down for longer than the retry budget → recorded failed, not retried forever', async () => {
  const smtp = await startFaultServer({ dataReplies: [421, 421, 421, 421, 421, 421] });
  const { alerts, send } = await setup('alerts-smtpdown', smtp);
  await ownerWithVehicle(alerts, 'odown', 'down@example.com', 'vdown');
  await send([vehicleEvent('OVERSPEED', 'vdown', Date.now() - 60_000)]);
  const failed = await notification(alerts, 'vdown', 'failed');
  expect(failed.notification).toMatchObject({ reason: 'retries-exhausted', attempts: 5 });
  expect(smtp.accepted).toHaveLength(0);
});
