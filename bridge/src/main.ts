import { createKafka, createLogger } from '@fleet/runtime';
import { createApp } from './app';
import { loadBridgeConfig } from './config';

// Composition root: the only place that reads the environment.
const config = loadBridgeConfig(process.env);
const log = createLogger({ service: 'bridge', level: config.logLevel });
const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, log });

try {
  const app = await createApp({ config, log, kafka });
  app.shutdown.handleSignals();
  log.info({ mqttPort: app.mqttPort, wsPort: app.wsPort, opsPort: app.opsPort, mode: config.mqtt.mode }, 'bridge started');
} catch (error) {
  log.fatal({ err: error }, 'bridge failed to start');
  process.exit(1);
}
