import { ensureTopics } from '@fleet/runtime';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createInfluxWriter, InfluxWriteError, type LineWriter } from '../src/adapters/influx-writer';
import { lineText } from '../src/domain/line-protocol';
import { reading } from './support/readings';
import { connectKafka, getInfra, influxQuery, startApp, type TestKafka, testConfig, uniqueName, waitFor } from './support/harness';

const infra = getInfra();
const influx = influxQuery(infra.influx);

/** The real InfluxDB writer, except that writes carrying `vehicleId`'s lines fail transiently (503) while blocked. */
function blockingWriter(vehicleId: string) {
  const real = createInfluxWriter({ ...infra.influx, timeoutMs: 10_000, maxRetryAfterMs: 1_000 }, 'ms');
  const marker = `vehicle_id=${vehicleId} `;
  const state = { blocked: true, refused: 0 };
  const writer: LineWriter = {
    async write(lines) {
      if (state.blocked && lines.some((line) => lineText(line).includes(marker))) {
        state.refused++;
        throw new InfluxWriteError('INFLUX_UNAVAILABLE', 'test: this write is held back', { retriable: true, status: 503 });
      }
      await real.write(lines);
    },
    ping: () => real.ping(),
  };
  return { writer, state };
}

async function countSeq(vehicleId: string, fromMs: number): Promise<number> {
  const result = (await influx.influxql(`SELECT count(seq) FROM telemetry WHERE vehicle_id = '${vehicleId}' AND time >= ${fromMs}ms`)) as {
    results: { series?: { values: number[][] }[] }[];
  };
  return result.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

describe('pipelined commits: offsets follow durability while later batches are written first', () => {
  let kafka: TestKafka | undefined;
  afterAll(async () => {
    await kafka?.close();
  });

  it('never commits past a write that keeps failing, and a restart replays the uncommitted rest', { timeout: 120_000 }, async () => {
    const config = testConfig(infra, {
      INFLUX_BATCH_SIZE: '50',
      INFLUX_RETRY_INITIAL_MS: '50',
      INFLUX_RETRY_MAX_MS: '200',
      MAX_BYTES_PER_PARTITION: String(64 * 1024),
    });
    const topic = config.telemetry.topic;
    kafka = await connectKafka(infra, []);
    // One partition: every batch below is ordered behind the held-back one.
    await ensureTopics(kafka.admin, [{ topic, numPartitions: 1 }]);
    const vehicle = uniqueName('veh-pipelined');
    const held = uniqueName('veh-held');
    const startTs = Date.now() - 30 * 60_000;
    const at = (seq: number) => reading({ vehicleId: vehicle, ts: startTs + seq * 1000, seq });
    const committed = async () => {
      const [offsets] = await kafka!.admin.fetchOffsets({ groupId: config.telemetry.groupId, topics: [topic] });
      return Number(offsets?.partitions[0]?.offset ?? -1);
    };

    // Offsets 0..49: vehicle; 50: the held-back reading; 51..100: vehicle.
    const heldOffset = 50;
    await kafka.sendReadings(topic, [
      ...Array.from({ length: 50 }, (_, i) => at(i)),
      reading({ vehicleId: held, ts: startTs, seq: 0 }),
      ...Array.from({ length: 50 }, (_, i) => at(50 + i)),
    ]);
    const gate = blockingWriter(held);
    const first = await startApp(config, { writers: { telemetry: gate.writer } });
    try {
      await waitFor(() => gate.state.refused >= 2, { timeoutMs: 30_000, message: 'the held-back write to be retried' });
      // Later fetches of the same partition are admitted and written while that write still fails.
      for (let seq = 100; seq < 400; seq += 50) {
        await kafka.sendReadings(topic, Array.from({ length: 50 }, (_, i) => at(seq + i)));
      }
      await waitFor(async () => (await countSeq(vehicle, startTs + 100_000)) === 300, {
        timeoutMs: 30_000,
        message: 'the later batches in InfluxDB',
      });
      expect(first.telemetry.stats().uncommittedBatches).toBeGreaterThan(1);
      for (let check = 0; check < 4; check++) {
        expect(await committed()).toBeLessThanOrEqual(heldOffset);
        await sleep(500);
      }
    } finally {
      // Graceful stop while the write still fails: it is abandoned, not committed.
      await first.stop();
    }
    expect(await countSeq(held, startTs)).toBe(0);
    expect(await committed()).toBeLessThanOrEqual(heldOffset);

    const second = await startApp(config);
    try {
      await kafka.waitCommitted(config.telemetry.groupId, topic);
      expect(await countSeq(held, startTs)).toBe(1);
      expect(await countSeq(vehicle, startTs)).toBe(400);
      expect(second.telemetry.stats().uncommittedBatches).toBe(0);
    } finally {
      await second.stop();
    }
  });
});
