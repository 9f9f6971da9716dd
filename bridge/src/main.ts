import { createKafka, createLogger, runMain } from '@fleet/runtime';
import { createApp } from './app';
import { loadBridgeConfig } from './config';

// Composition root: the only place that reads the environment. runMain turns a bad configuration
// into a message saying what to fix (no stack trace) and any start-up failure into exit code 1.
runMain('bridge', async () => {
  const config = loadBridgeConfig(process.env);
  const log = createLogger({ service: 'bridge', level: config.logLevel });
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, log });
  const app = await createApp({ config, log, kafka });
  app.shutdown.handleSignals();
  log.info({ mqttPort: app.mqttPort, wsPort: app.wsPort, opsPort: app.opsPort, mode: config.mqtt.mode }, 'bridge started');
});
