import { createLogger, createMetricsRegistry, createShutdown, runMain } from '@fleet/runtime';
import { createApp } from './app';
import { loadSinksConfig } from './config';

// Composition root: the only place that reads the environment. runMain turns a bad configuration
// into a message saying what to fix (no stack trace) and any start-up failure into exit code 1.
runMain('sinks', async () => {
  const config = loadSinksConfig(process.env);
  const log = createLogger({ service: 'sinks', level: config.logLevel });
  const shutdown = createShutdown(log);
  shutdown.handleSignals();
  try {
    const app = await createApp({ config, log, metrics: createMetricsRegistry('sinks') });
    shutdown.add('sinks', app.stop);
  } catch (error) {
    await shutdown.run('startup failure');
    throw error;
  }
  log.info(
    { influx: config.influx.url, bucket: config.influx.bucket, topics: [config.telemetry.topic, config.events.topic] },
    'sinks running',
  );
});
