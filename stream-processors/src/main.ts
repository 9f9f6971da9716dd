import {
  createAvroSerde,
  createKafka,
  createLogger,
  createMetricsRegistry,
  createShutdown,
  runMain,
  startOpsServer,
} from '@fleet/runtime';
import { type ProcessorApp, startProcessorApp } from './app';
import { loadProcessorConfig } from './config';

runMain('stream-processors', async () => {
  const config = loadProcessorConfig(process.env);
  const log = createLogger({ service: 'stream-processors', level: config.logLevel });
  const shutdown = createShutdown(log);
  shutdown.handleSignals();

  const metrics = createMetricsRegistry('stream-processors');
  let app: ProcessorApp | undefined;
  const ops = await startOpsServer({ ...config.ops, registry: metrics, readiness: { kafka: () => app?.isReady() ?? false }, log });
  shutdown.add('ops server', ops.close);

  const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'stream-processors', log });
  app = await startProcessorApp({ kafka, serde: createAvroSerde({ registryUrl: config.registryUrl }), log, metrics, config });
  shutdown.add('processor', app.stop);
  log.info({ topics: config.topics }, 'stream processors running');
});
