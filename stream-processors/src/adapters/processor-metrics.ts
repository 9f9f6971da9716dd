import { Counter, Gauge, Histogram, LATENCY_BUCKETS, type Registry } from '@fleet/runtime';

export type ProcessorMetrics = ReturnType<typeof createProcessorMetrics>;

export function createProcessorMetrics(registry: Registry) {
  return {
    readings: new Counter({
      name: 'processor_readings_total',
      help: 'Telemetry readings consumed, by outcome (processed, late, duplicate, dead-lettered)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    events: new Counter({
      name: 'processor_events_total',
      help: 'Events produced to vehicle.events, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    replayedEventsDropped: new Counter({
      name: 'processor_replayed_events_dropped_total',
      help: 'Events detected again after a takeover and not written, because the previous owner had written them',
      registers: [registry],
    }),
    stateRecordsWritten: new Counter({
      name: 'processor_state_records_written_total',
      help: 'Vehicle states (and events marks) written to the changelog at checkpoints',
      registers: [registry],
    }),
    stateSize: new Gauge({
      name: 'processor_state_vehicles',
      help: 'Vehicles with detector state known to this instance',
      registers: [registry],
    }),
    registryRecords: new Gauge({
      name: 'processor_registry_records',
      help: 'Registry records known to this instance, by table (vehicles, geofences)',
      labelNames: ['table'],
      registers: [registry],
    }),
    ingestToEventSeconds: new Histogram({
      name: 'processor_ingest_to_event_seconds',
      help: 'Bridge receive time of the reading that made the detector emit the event (for a harsh manoeuvre, the one that closed it) to the event being acknowledged by Kafka',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'processor_batch_seconds',
      help: 'Time to process and produce one partition batch',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
  };
}
