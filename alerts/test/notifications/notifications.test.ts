import type { Env } from '@fleet/runtime';
import { influxQl, mailDetail, mailsTo, waitFor } from '@fleet/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventProducer, getInfra, type RunningAlerts, startAlerts, testEnv, uniqueAddress, vehicleEvent } from '../support/harness';

const infra = getInfra();
let env: Env;
let alerts: RunningAlerts;
let producer: Awaited<ReturnType<typeof eventProducer>>;

const MIN = 60_000;
/** Vehicle ids unique to this run: InfluxDB is shared between runs. */
const run = Date.now().toString(36);
const v = (n: number) => `${run}-v${n}`;
/** Event times well in the past: cooldown windows (10 min) have ended by wall clock. */
const base = Date.now() - 60 * MIN;

async function owner(id: string, extra: Record<string, unknown> = {}): Promise<{ email: string; token: string }> {
  const email = uniqueAddress(id);
  const created = await alerts.api('POST', '/api/owners', { body: { id, name: `Owner ${id}`, email, timezone: 'Europe/Berlin', ...extra } });
  expect(created.status).toBe(201);
  return { email, token: created.body.token };
}

async function vehicle(id: string, ownerId: string): Promise<void> {
  expect((await alerts.api('POST', '/api/vehicles', { body: { id, ownerId, name: `Van ${id}`, plate: `B-${id}` } })).status).toBe(201);
}

/** Waits until `count` mails arrived, then a little longer to be sure no more follow. */
async function exactly(address: string, count: number) {
  await waitFor(async () => (await mailsTo(infra.mailApiUrl, address)).length >= count, { timeoutMs: 30_000, message: `${count} mails to ${address}` });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const mails = await mailsTo(infra.mailApiUrl, address);
  expect(mails).toHaveLength(count);
  return mails;
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${alerts.opsUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

beforeAll(async () => {
  env = testEnv(infra, 'alerts-notify');
  alerts = await startAlerts(env);
  producer = await eventProducer(infra, env.EVENTS_TOPIC as string);
});

afterAll(async () => {
  await producer?.close();
  await alerts?.stop();
});

describe('notifications against real Kafka and the SMTP catcher', () => {
  const ts = base + 5 * MIN;
  const event = vehicleEvent('OVERSPEED', v(1), ts, { speedKph: 131.2, limitKph: 100 });
  let recipient: { email: string; token: string };

  it('an event → exactly one email to the right owner with the right content', async () => {
    recipient = await owner('n-o1');
    await vehicle(v(1), 'n-o1');
    await producer.send([event]);
    const [mail] = await exactly(recipient.email, 1);
    const detail = await mailDetail(infra.mailApiUrl, mail?.ID ?? '');
    expect(detail.Subject).toBe(`Speeding: Van ${v(1)} (B-${v(1)}) at 131 km/h (limit 100 km/h)`);
    expect(detail.MessageID).toContain(event.eventId);
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ts);
    expect(detail.Text).toContain('Hello Owner n-o1,');
    expect(detail.Text).toContain(`Van ${v(1)} (B-${v(1)}) was driving at 131 km/h where the limit is 100 km/h.`);
    expect(detail.Text).toContain(local);
    expect(detail.Text).toContain('https://www.openstreetmap.org/?mlat=52.52001&mlon=13.40495');
    expect(detail.HTML).toContain('<a href="https://www.openstreetmap.org/');

    const history = await alerts.api('GET', `/api/alerts?vehicleId=${v(1)}`, { token: recipient.token });
    expect(history.body.items).toMatchObject([{ eventId: event.eventId, type: 'OVERSPEED', notification: { status: 'sent', recipient: recipient.email, attempts: 1 } }]);
  });

  it('the notifications measurement in InfluxDB records the send', async () => {
    const rows = await waitFor(async () => {
      const found = await influxQl(infra.influx, `SELECT * FROM notifications WHERE vehicle_id = '${v(1)}'`);
      return found.length > 0 ? found : null;
    }, { timeoutMs: 20_000 });
    expect(rows).toMatchObject([{ event_id: event.eventId, status: 'sent', channel: 'email', type: 'OVERSPEED', recipient: recipient.email, attempts: 1 }]);
    expect(Math.floor(Number(rows[0]?.time))).toBe(ts);
  });

  it('the same events replayed and the service restarted → still one email', async () => {
    await producer.send([event, event]);
    await alerts.stop();
    // A new consumer group reads the whole topic again: a full replay after a restart.
    alerts = await startAlerts({ ...env, CONSUMER_GROUP: `${env.CONSUMER_GROUP}-replay` });
    await waitFor(async () => (await metric('alerts_decisions_total{outcome="duplicate"')) >= 3, { timeoutMs: 30_000 });
    await exactly(recipient.email, 1);
  });

  it('ten overspeed events in two minutes → one email plus one folded summary, not ten', async () => {
    const { email } = await owner('n-o2');
    await vehicle(v(2), 'n-o2');
    const start = base + 20 * MIN;
    await producer.send(Array.from({ length: 10 }, (_, i) => vehicleEvent('OVERSPEED', v(2), start + i * 12_000)));
    const mails = await exactly(email, 2);
    const subjects = mails.map((mail) => mail.Subject).sort();
    expect(subjects).toEqual([`Speeding: Van ${v(2)} (B-${v(2)}) at 131 km/h (limit 100 km/h)`, `Van ${v(2)} (B-${v(2)}): 9 more speeding events`]);
    const history = await alerts.api('GET', `/api/alerts?vehicleId=${v(2)}&limit=100`);
    const statuses = history.body.items.map((item: { notification: { status: string } }) => item.notification.status);
    expect(statuses.filter((s: string) => s === 'sent')).toHaveLength(1);
    expect(statuses.filter((s: string) => s === 'suppressed')).toHaveLength(9);
  });

  it('OVERSPEED_END arriving before the email went out is merged into it: one email with duration and peak', async () => {
    const { email } = await owner('n-o3');
    await vehicle(v(3), 'n-o3');
    const start = base + 40 * MIN;
    await producer.send([
      vehicleEvent('OVERSPEED', v(3), start),
      vehicleEvent('OVERSPEED_END', v(3), start + 42_000, { speedKph: 95, durationMs: 42_000, peakSpeedKph: 131 }),
    ]);
    const [mail] = await exactly(email, 1);
    const detail = await mailDetail(infra.mailApiUrl, mail?.ID ?? '');
    expect(detail.Text).toContain('The speeding has ended: it lasted 42 s and peaked at 131 km/h.');
  });

  it('preferences choose the event types; geofence emails name the geofence', async () => {
    const { email, token } = await owner('n-o4', { preferences: { notify: ['GEOFENCE_EXIT'] } });
    await vehicle(v(4), 'n-o4');
    const start = base + 50 * MIN;
    await producer.send([
      vehicleEvent('HARSH_BRAKING', v(4), start, { accelMps2: -5.2 }),
      vehicleEvent('GEOFENCE_EXIT', v(4), start + 1000, { geofenceId: 'g1', geofenceName: 'Depot Nord' }),
    ]);
    const [mail] = await exactly(email, 1);
    expect(mail?.Subject).toBe(`Van ${v(4)} (B-${v(4)}) left Depot Nord`);
    const history = await alerts.api('GET', `/api/alerts?vehicleId=${v(4)}`, { token });
    expect(history.body.items.map((i: { type: string; notification: { status: string; reason: string | null } }) => [i.type, i.notification.status, i.notification.reason])).toEqual([
      ['GEOFENCE_EXIT', 'sent', null],
      ['HARSH_BRAKING', 'suppressed', 'preferences'],
    ]);
    const rows = await waitFor(async () => {
      const found = await influxQl(infra.influx, `SELECT * FROM notifications WHERE vehicle_id = '${v(4)}'`);
      return found.length >= 2 ? found : null;
    }, { timeoutMs: 20_000 });
    expect(rows.map((row) => [row.type, row.status]).sort()).toEqual([['GEOFENCE_EXIT', 'sent'], ['HARSH_BRAKING', 'suppressed']]);
  });
});
