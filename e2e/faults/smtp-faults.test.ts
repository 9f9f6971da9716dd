import { startFaultServer } from '@fleet/alerts/testing/smtp-fault-server';
import { influxQl, waitFor } from '@fleet/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createCleanup } from './support/cleanup';
import { startDeviceFleet, waitUntilAllAcked } from './support/device-fleet';
import { startFaultPipeline } from './support/fault-pipeline';
import { registerFleet } from './support/fleet-registry';
import { expectedEpisodeEvents, overspeedVehicles } from './support/overspeed-fleet';
import { verifyDelivery } from './support/verify-delivery';

/**
 * The whole pipeline emailing through an SMTP server that answers the first message with 451
 * (try again later) and refuses one owner's address with 550 (no such user): a real catcher does
 * not produce these on demand, so this is the one fake (alerts' scripted fault server).
 */
const cleanup = createCleanup();
afterAll(() => cleanup.run());

interface AlertItem {
  vehicleId: string;
  type: string;
  notification: { status: string; reason?: string; attempts: number; recipient?: string };
}

describe('SMTP 451 then 250, and 550, behind the whole pipeline', () => {
  it('a 451 is retried into exactly one email; a 550 is recorded failed and later incidents are still emailed', async () => {
    const smtp = await startFaultServer({ dataReplies: [451], reject: /^bounce-/ });
    cleanup.add('fault SMTP server', () => smtp.close());
    const { endpoints, namespace, pipeline } = await startFaultPipeline(cleanup, {
      namespacePrefix: 'faults-smtp',
      extraEnv: { alerts: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_RETRY_INITIAL_MS: '500', SMTP_RETRY_MAX_MS: '2000' } },
    });

    const prefix = `${namespace.slice(-8)}-`;
    // Episodes in this order of event time: ok owner's first vehicle, the bounced owner's, the ok owner's second.
    const [first, bounced, last] = overspeedVehicles(prefix, 3, { from: 10, length: 10, stagger: 15 });
    const processorOpsPorts = [pipeline.ports.processorsOps];
    const owner = await registerFleet(pipeline, { namespace, vehicleIds: [first!.vehicleId, last!.vehicleId], processorOpsPorts });
    await registerFleet(pipeline, {
      namespace,
      ownerId: `${prefix}bounce`,
      ownerEmail: `bounce-${namespace}@fleet.example`,
      vehicleIds: [bounced!.vehicleId],
      processorOpsPorts,
    });
    const devices = await startDeviceFleet({
      brokerUrl: `mqtt://127.0.0.1:${pipeline.ports.mqtt}`,
      vehicles: [first!, bounced!, last!],
      startTs: Date.now() - 5 * 60_000,
      intervalMs: 100,
      readingsPerVehicle: 60,
    });
    cleanup.add('devices', () => devices.close());
    await waitUntilAllAcked(devices, 60, { timeoutMs: 60_000 });

    const vehicleIds = [first!.vehicleId, bounced!.vehicleId, last!.vehicleId];
    await verifyDelivery({
      endpoints,
      namespace,
      topics: pipeline.topics,
      acked: devices.acked,
      expectedEvents: expectedEpisodeEvents(vehicleIds),
      ownerEmail: owner.ownerEmail,
      emailedVehicles: owner.vehicleIds,
      emails: async () => smtp.accepted.map((mail) => mail.raw),
    });
    // Two emails accepted, one of them on its second attempt: three DATA commands in all.
    expect(smtp.dataAttempts).toBe(3);
    expect(smtp.accepted.every((mail) => mail.to.length === 1 && mail.to[0] === owner.ownerEmail)).toBe(true);

    const alerts = await alertHistory(pipeline, vehicleIds);
    const overspeed = (vehicleId: string) => alerts.find((item) => item.vehicleId === vehicleId && item.type === 'OVERSPEED');
    expect(overspeed(bounced!.vehicleId)?.notification).toMatchObject({ status: 'failed', reason: 'smtp-rejected', attempts: 1 });
    const sent = [overspeed(first!.vehicleId), overspeed(last!.vehicleId)].map((item) => item?.notification);
    expect(sent.map((notification) => notification?.status)).toEqual(['sent', 'sent']);
    expect(sent.map((notification) => notification?.attempts).sort()).toEqual([1, 2]);
    const failedRows = await waitFor(
      async () => {
        const rows = await influxQl(endpoints.influx, `SELECT status, attempts FROM notifications WHERE vehicle_id = '${bounced!.vehicleId}' AND "type" = 'OVERSPEED'`);
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 30_000, message: 'the failed notification is not in InfluxDB' },
    );
    expect(failedRows).toMatchObject([{ status: 'failed', attempts: 1 }]);
  });
});

async function alertHistory(pipeline: { apiUrl: string; adminToken: string }, vehicleIds: string[]): Promise<AlertItem[]> {
  const items: AlertItem[] = [];
  for (const vehicleId of vehicleIds) {
    const response = await fetch(`${pipeline.apiUrl}/api/alerts?vehicleId=${encodeURIComponent(vehicleId)}`, {
      headers: { authorization: `Bearer ${pipeline.adminToken}` },
    });
    expect(response.status).toBe(200);
    items.push(...((await response.json()) as { items: AlertItem[] }).items);
  }
  return items;
}
