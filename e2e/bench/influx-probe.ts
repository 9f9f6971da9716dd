import type { InfraEndpoints } from '@fleet/infra';
import { influxQl } from '@fleet/testkit';
import { LatencyHistogram } from './latency-histogram';
import type { PublishedRow } from './sim-protocol';

type Influx = InfraEndpoints['influx'];

/** Rows of an InfluxQL query; a stalled poll fails after 10 s and is counted as an error. */
export function influxQuery(influx: Influx, query: string): Promise<Record<string, unknown>[]> {
  return influxQl(influx, query, { timeoutMs: 10_000 });
}

/** Telemetry points stored for vehicles whose id starts with `prefix`. */
export async function countPoints(influx: Influx, prefix: string): Promise<number> {
  const rows = await influxQuery(influx, `SELECT count(speed_kph) FROM telemetry WHERE vehicle_id =~ /^${prefix}/`);
  return Number(rows[0]?.count ?? 0);
}

export interface QueryabilityProbe {
  /** Publish times of the sample vehicles' readings (from the simulator). */
  published(rows: PublishedRow[]): void;
  latency: LatencyHistogram;
  unresolved(): number;
  queryErrors(): number;
  /** Waits until every published sample was seen (or the timeout), then stops polling. */
  finish(timeoutMs: number): Promise<void>;
}

/**
 * device→queryable: polls InfluxDB every `pollMs` for the sample vehicles' recent points and
 * notes when each reading first shows up; latency = that poll's answer time − device publish time
 * (an upper bound, ≤ one poll interval late).
 */
export function startQueryabilityProbe(influx: Influx, sampleIds: string[], pollMs: number): QueryabilityProbe {
  const latency = new LatencyHistogram();
  const sent = new Map<string, { sentAt: number; ts: number }>();
  const seen = new Map<string, number>();
  const key = (vehicleId: string, ts: number) => `${vehicleId}@${ts}`;
  const ids = new Set(sampleIds);
  // Equality per id, not one regex: InfluxDB 1.8's in-memory index answers `=` with a lookup but
  // matches a regex against every vehicle_id ever written, which took about half of InfluxDB's CPU
  // (a profile during the fixed load) and so slowed the pipeline being measured.
  const matchesSample = `(${sampleIds.map((id) => `vehicle_id = '${id.replace(/['\\]/g, '\\$&')}'`).join(' OR ')})`;
  let running = true;
  let errors = 0;

  const match = (k: string) => {
    const published = sent.get(k);
    const seenAt = seen.get(k);
    if (published === undefined || seenAt === undefined) return;
    latency.record(seenAt - published.sentAt);
    sent.delete(k);
  };

  const poll = async () => {
    let oldest = Date.now() - 3000;
    for (const published of sent.values()) oldest = Math.min(oldest, published.ts);
    try {
      const rows = await influxQuery(
        influx,
        `SELECT speed_kph FROM telemetry WHERE ${matchesSample} AND time >= ${oldest - 1000}ms GROUP BY vehicle_id`,
      );
      const answeredAt = Date.now();
      for (const row of rows) {
        const k = key(String(row.vehicle_id), Number(row.time));
        if (!seen.has(k)) seen.set(k, answeredAt);
        match(k);
      }
    } catch {
      errors++;
    }
    // Points seen long ago whose publish time never came (readings before tracking began).
    const cutoff = Date.now() - 120_000;
    for (const [k, seenAt] of seen) if (seenAt < cutoff) seen.delete(k);
  };

  const loop = (async () => {
    while (running) {
      const started = Date.now();
      await poll();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, pollMs - (Date.now() - started))));
    }
  })();

  return {
    latency,
    published(rows) {
      for (const [vehicleId, ts, sentAt] of rows) {
        if (!ids.has(vehicleId)) continue;
        const k = key(vehicleId, ts);
        sent.set(k, { sentAt, ts });
        match(k);
      }
    },
    unresolved: () => sent.size,
    queryErrors: () => errors,
    async finish(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (sent.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      running = false;
      await loop;
    },
  };
}

/**
 * Removes the run's series (every vehicle id starting with `prefix`) from the telemetry, events and
 * notifications measurements: each run brings thousands of new vehicle ids, and InfluxDB 1.8 refuses
 * new tag values beyond `max-values-per-tag` (100,000 by default) and slows down as series add up.
 */
export async function dropSeries(influx: Influx, prefix: string): Promise<void> {
  const [db, rp] = influx.bucket.split('/');
  for (const measurement of ['telemetry', 'events', 'notifications']) {
    const params = new URLSearchParams({ db: db ?? influx.bucket, q: `DROP SERIES FROM ${measurement} WHERE vehicle_id =~ /^${prefix}/`, ...(rp ? { rp } : {}) });
    const response = await fetch(`${influx.url}/query`, {
      method: 'POST',
      headers: { authorization: `Token ${influx.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: params,
      signal: AbortSignal.timeout(60_000),
    });
    if (!response.ok) throw new Error(`InfluxDB answered ${response.status}: ${await response.text()}`);
  }
}
