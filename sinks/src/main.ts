import { createLogger, createMetricsRegistry, createShutdown } from '@fleet/runtime';
import { createApp } from './app';
import { loadSinksConfig } from './config';

// Composition root: the only place that reads the environment.
const config = loadSinksConfig(process.env);
const log = createLogger({ service: 'sinks', level: config.logLevel });
const shutdown = createShutdown(log);
shutdown.handleSignals();

try {
  const app = await createApp({ config, log, metrics: createMetricsRegistry('sinks') });
  shutdown.add('sinks', app.stop);
  log.info(
    { influx: config.influx.url, bucket: config.influx.bucket, topics: [config.telemetry.topic, config.events.topic] },
    'sinks running',
  );
} catch (error) {
  log.fatal({ err: error }, 'sinks failed to start');
  await shutdown.run('startup failure');
  process.exit(1);
}
