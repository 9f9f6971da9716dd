import { Counter, Gauge, Histogram, LATENCY_BUCKETS, type Registry } from '@fleet/runtime';

export type SinkMetrics = ReturnType<typeof createSinkMetrics>;

/** The sink's Prometheus metrics; `measurement` is `telemetry` or `events`. */
export function createSinkMetrics(registry: Registry) {
  const registers = [registry];
  return {
    pointsWritten: new Counter({
      name: 'sink_points_written_total',
      help: 'Points InfluxDB accepted',
      labelNames: ['measurement'],
      registers,
    }),
    writeDuration: new Histogram({
      name: 'sink_write_duration_seconds',
      help: 'Duration of one InfluxDB write request',
      labelNames: ['measurement', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    retries: new Counter({
      name: 'sink_write_retries_total',
      help: 'InfluxDB writes retried after a transient failure (unavailable, 429/5xx, timeout)',
      labelNames: ['measurement', 'code'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'sink_dead_letters_total',
      help: 'Records sent to the sink dead-letter topic',
      labelNames: ['measurement', 'reason'],
      registers,
    }),
    pendingLines: new Gauge({
      name: 'sink_pending_lines',
      help: 'Lines admitted to the write batcher but not yet durable',
      labelNames: ['measurement'],
      registers,
    }),
    uncommittedBatches: new Gauge({
      name: 'sink_uncommitted_batches',
      help: 'Kafka batches handed to the writer whose offsets are not committable yet (being written, or behind one that is)',
      labelNames: ['measurement'],
      registers,
    }),
    influxAvailable: new Gauge({
      name: 'sink_influxdb_available',
      help: '1 when the last InfluxDB write succeeded, 0 while writes are being retried',
      labelNames: ['measurement'],
      registers,
    }),
    consumerLag: new Gauge({
      name: 'sink_consumer_lag',
      help: 'Messages between the committed offset and the high watermark, per partition',
      labelNames: ['group', 'topic', 'partition'],
      registers,
    }),
  };
}
