import { DLQ_HEADERS } from '@fleet/contracts';
import { headerString } from '@fleet/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reading } from './support/readings';
import { connectKafka, getInfra, influxQuery, influxTargets, startApp, type TestKafka, testConfig, uniqueName } from './support/harness';

const infra = getInfra();

/**
 * A random week between 1990 and 2010: field types are per measurement *and shard* (a week, for 1.8's
 * autogen policy as for a 2.x bucket kept forever), so the conflicting string is confined to a shard
 * no other test writes to.
 */
function isolatedShardTime(): number {
  const week = 7 * 24 * 3600 * 1000;
  const start = Date.UTC(1990, 0, 1);
  return start + Math.floor(Math.random() * 1000) * week + 3 * 24 * 3600 * 1000;
}

describe.each(influxTargets(infra))('bad records never stall the stream ($name)', ({ influx: endpoint, env }) => {
  const influx = influxQuery(endpoint);
  let kafka: TestKafka;
  const config = testConfig(infra, { ...env, INFLUX_BATCH_SIZE: '500' });

  beforeAll(async () => {
    kafka = await connectKafka(infra, [config.telemetry.topic, config.telemetry.dlqTopic]);
  });
  afterAll(async () => {
    await kafka?.close();
  });

  it('dead-letters a field-type conflict, a NaN and an undecodable value; writes the rest; commits past them', async () => {
    const vehicleId = uniqueName('veh-dlq');
    const conflictTs = isolatedShardTime();
    const pre = await influx.writeLines(`telemetry,vehicle_id=${vehicleId} speed_kph="fast" ${conflictTs}`);
    expect(pre.status).toBe(204);

    const now = Math.floor(Date.now() / 1000) * 1000 - 30_000;
    const good = Array.from({ length: 20 }, (_, i) => reading({ vehicleId, ts: now + i * 1000, speedKph: 10 + i }));
    // Same key → same partition: the bad records sit between good ones.
    await kafka.sendReadings(config.telemetry.topic, good.slice(0, 10));
    await kafka.sendReadings(config.telemetry.topic, [reading({ vehicleId, ts: conflictTs + 1000, speedKph: 88 })]);
    await kafka.sendReadings(config.telemetry.topic, [reading({ vehicleId, ts: now + 500, rpm: Number.NaN })]);
    await kafka.sendRaw(config.telemetry.topic, vehicleId, Buffer.from('{"not":"avro"}'));
    await kafka.sendReadings(config.telemetry.topic, good.slice(10));

    const app = await startApp(config);
    try {
      await kafka.waitCommitted(config.telemetry.groupId, config.telemetry.topic);
      const rows = await influx.telemetryOf(vehicleId, now - 60_000, now + 60_000);
      expect(rows.map((row) => row.speed_kph)).toEqual(good.map((r) => r.speedKph));

      const letters = await kafka.readAll(config.telemetry.dlqTopic, 3);
      const byReason = Object.fromEntries(letters.map((m) => [headerString(m.headers, DLQ_HEADERS.reason), m]));
      expect(Object.keys(byReason).sort()).toEqual(['INFLUX_REJECTED', 'NON_FINITE', 'UNDECODABLE']);
      const rejected = byReason.INFLUX_REJECTED!;
      expect(headerString(rejected.headers, DLQ_HEADERS.error)).toMatch(/field type conflict/);
      expect(headerString(rejected.headers, DLQ_HEADERS.sourceTopic)).toBe(config.telemetry.topic);
      expect(rejected.key?.toString()).toBe(vehicleId);
      expect(byReason.UNDECODABLE?.value?.toString()).toBe('{"not":"avro"}');
      expect(headerString(byReason.UNDECODABLE?.headers, DLQ_HEADERS.error)).toMatch(/AVRO_NOT_CONFLUENT/);
      expect(headerString(byReason.NON_FINITE?.headers, DLQ_HEADERS.error)).toMatch(/rpm/);
      // The original bytes, unchanged: the DLQ record can be replayed once the conflict is fixed.
      const original = await kafka.readAll(config.telemetry.topic, 23);
      const source = original.find((m) => m.offset === headerString(rejected.headers, DLQ_HEADERS.sourceOffset) && m.key?.toString() === vehicleId);
      expect(source?.value?.equals(rejected.value!)).toBe(true);
      expect(app.telemetry.stats().deadLetters).toBe(3);
    } finally {
      await app.stop();
    }
  });
});
