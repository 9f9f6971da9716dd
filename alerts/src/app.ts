import type { Server } from 'node:http';
import {
  type BatchConsumer,
  Counter,
  createAvroSerde,
  createKafka,
  createMetricsRegistry,
  createProducer,
  createShutdown,
  ensureTopics,
  Gauge,
  type Logger,
  startOpsServer,
} from '@fleet/runtime';
import type { AlertsConfig } from './config';
import { startEventConsumer } from './adapters/event-consumer';
import { createApiApp } from './adapters/http/api-app';
import { createInfluxNotifications } from './adapters/influx-notifications';
import { createSmtpMailer } from './adapters/smtp-mailer';
import { startTables, stopTables } from './adapters/table';
import { TableWriter } from './adapters/table-writer';
import { adminTokenMatcher } from './adapters/tokens';
import { NotificationPolicy } from './domain/notification-policy';
import { composeEmail } from './notifications/compose';
import { notificationRecordSchema } from './notifications/notification-record';
import { Notifier, toPoint } from './notifications/notifier';
import { Outbox } from './notifications/outbox';
import { RegistryService } from './registry/registry-service';
import { RegistryTables, type RegistryTopics, registryTableSpecs } from './registry/registry-tables';

export interface AlertService {
  /** Bound ports (ask for 0 to get ephemeral ones). */
  httpPort: number;
  opsPort: number;
  tables: RegistryTables;
  stop(): Promise<void>;
}

function listen(app: ReturnType<typeof createApiApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.once('error', reject);
  });
}

/** Wires the alert service: registry tables, API, event consumer, policy, outbox, metrics. */
export async function startAlertService(config: AlertsConfig, log: Logger): Promise<AlertService> {
  const shutdown = createShutdown(log);
  try {
    return await start(config, log, shutdown);
  } catch (error) {
    await shutdown.run('start-up failed');
    throw error;
  }
}

async function start(config: AlertsConfig, log: Logger, shutdown: ReturnType<typeof createShutdown>): Promise<AlertService> {
  const metrics = createMetricsRegistry('alerts');
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'fleet-alerts', log });
  const registryTopics: RegistryTopics = {
    owners: config.REGISTRY_OWNERS_TOPIC,
    vehicles: config.REGISTRY_VEHICLES_TOPIC,
    geofences: config.REGISTRY_GEOFENCES_TOPIC,
    ownerTokens: config.REGISTRY_OWNER_TOKENS_TOPIC,
  };
  const specs = { ...registryTableSpecs(registryTopics), records: { topic: config.NOTIFICATIONS_TOPIC, schema: notificationRecordSchema } };

  const admin = kafka.admin();
  await admin.connect();
  try {
    // One partition per table: they are small, and one partition keeps their history in write order.
    const tableTopics = Object.values(specs).map(({ topic }) => ({ topic, numPartitions: 1, compacted: true }));
    await ensureTopics(admin, [...tableTopics, { topic: config.EVENTS_TOPIC, numPartitions: config.TOPIC_PARTITIONS }]);
  } finally {
    await admin.disconnect();
  }

  // Every table is read to its end before anything is served or decided.
  const { records, ...registry } = await startTables(specs, { kafka, log, groupIdPrefix: `${config.CONSUMER_GROUP}-tables` });
  shutdown.add('tables', () => stopTables([records, ...Object.values(registry)]));
  const tables = new RegistryTables(registry);

  const producer = createProducer(kafka);
  await producer.connect();
  shutdown.add('producer', () => producer.disconnect());
  const writer = new TableWriter(producer);

  const final = new Counter({ name: 'alerts_notifications_total', help: 'Notification outcomes', labelNames: ['status'], registers: [metrics] });
  const decisions = new Counter({ name: 'alerts_decisions_total', help: 'Policy decisions per event', labelNames: ['outcome'], registers: [metrics] });
  const poison = new Counter({ name: 'alerts_undecodable_events_total', help: 'Events skipped because no schema reads them', registers: [metrics] });
  const influxFailures = new Counter({ name: 'alerts_influx_write_failures_total', help: 'Failed InfluxDB write attempts', registers: [metrics] });

  const influx = createInfluxNotifications({
    url: config.INFLUX_URL,
    token: config.INFLUX_TOKEN,
    org: config.INFLUX_ORG,
    bucket: config.INFLUX_BUCKET,
    log,
    failures: influxFailures,
  });
  shutdown.add('influx', () => influx.close());
  const mailer = createSmtpMailer({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    user: config.SMTP_USER,
    password: config.SMTP_PASSWORD,
    timeoutMs: config.SMTP_TIMEOUT_MS,
    maxConnections: config.SMTP_MAX_CONNECTIONS,
  });
  shutdown.add('smtp', () => mailer.close());

  const writePoints = (points: Parameters<typeof influx.write>[0]) => {
    influx.write(points);
    for (const point of points) final.inc({ status: point.status });
  };
  const outbox = new Outbox({
    mailer,
    compose: (record) => composeEmail(tables, config.SMTP_FROM, record),
    commit: (record) => writer.write(records, [{ key: record.key, value: record }]),
    onFinal: (record) => {
      const point = toPoint(record);
      if (point) writePoints([point]);
      log.info({ key: record.key, status: record.status, reason: record.reason, attempts: record.attempts }, 'notification finished');
    },
    log,
    maxAttempts: config.SMTP_MAX_ATTEMPTS,
    concurrency: config.SMTP_MAX_CONNECTIONS,
    backoff: { initialMs: config.SMTP_RETRY_INITIAL_MS, maxMs: config.SMTP_RETRY_MAX_MS },
  });
  const notifier = new Notifier({
    tables,
    records,
    writer,
    policy: new NotificationPolicy(),
    outbox,
    writePoints,
    defaultCooldownMs: config.COOLDOWN_MS,
    overspeedHoldMs: config.OVERSPEED_HOLD_MS,
    log,
    decisions,
  });
  new Gauge({ name: 'alerts_outbox_pending', help: 'Emails waiting to be sent', registers: [metrics], collect() { this.set(outbox.size); } });
  new Gauge({
    name: 'alerts_registry_records',
    help: 'Records in the registry tables',
    labelNames: ['table'],
    registers: [metrics],
    collect() {
      this.set({ table: 'owners' }, tables.owners.size);
      this.set({ table: 'vehicles' }, tables.vehicles.size);
      this.set({ table: 'geofences' }, tables.geofences.size);
      this.set({ table: 'notifications' }, records.size);
    },
  });

  const api = createApiApp({
    tables,
    service: new RegistryService(tables, writer),
    records,
    log,
    isAdminToken: adminTokenMatcher(config.ADMIN_TOKEN),
    failureLimit: config.AUTH_FAILURE_LIMIT,
    failureWindowMs: config.AUTH_FAILURE_WINDOW_MS,
  });
  const server = await listen(api, config.HTTP_HOST, config.HTTP_PORT);
  shutdown.add('http', () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  const address = server.address();
  const httpPort = typeof address === 'object' && address !== null ? address.port : config.HTTP_PORT;
  log.info({ host: config.HTTP_HOST, port: httpPort }, 'API listening under /api');

  outbox.start();
  shutdown.add('outbox', () => outbox.stop());

  let stopping = false;
  const tick = setInterval(() => {
    notifier.tick({ shouldContinue: () => !stopping }).catch((error: unknown) => log.warn({ err: error }, 'summary tick failed; retrying next tick'));
  }, config.SUMMARY_TICK_MS);
  shutdown.add('summary tick', () => {
    stopping = true;
    clearInterval(tick);
  });

  const events: BatchConsumer = await startEventConsumer({
    kafka,
    serde: createAvroSerde({ registryUrl: config.SCHEMA_REGISTRY_URL }),
    topic: config.EVENTS_TOPIC,
    groupId: config.CONSUMER_GROUP,
    log,
    metrics,
    poison,
    onAssignment: (partitions) => notifier.assign(partitions),
    handle: (events, retry) => notifier.handleEvents(events, retry),
  });
  shutdown.add('event consumer', () => events.stop());

  const ops = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    registry: metrics,
    // The tables were read to their end before the service started; they only follow from then on.
    readiness: { tables: () => true, events: events.isReady },
    log,
  });
  shutdown.add('ops server', () => ops.close());

  return { httpPort, opsPort: ops.port, tables, stop: () => shutdown.run('stop') };
}
