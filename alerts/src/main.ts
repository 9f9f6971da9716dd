import { createLogger, errorMessage } from '@fleet/runtime';
import { type AlertService, startAlertService } from './app';
import { loadAlertsConfig } from './config';

// Composition root: the only place that reads the environment.
let config: ReturnType<typeof loadAlertsConfig>;
try {
  config = loadAlertsConfig(process.env);
} catch (error) {
  process.stderr.write(`${errorMessage(error)}\n`);
  process.exit(2);
}

const log = createLogger({ service: 'alerts', level: config.LOG_LEVEL });
let service: AlertService | undefined;
let stopping = false;

// Installed before start-up (joining the consumer group can take a session timeout after a crash),
// so a signal during start-up still ends the process.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    if (!service) process.exit(0);
    void service.stop().then(() => process.exit(0));
  });
}

try {
  service = await startAlertService(config, log);
  if (stopping) await service.stop().then(() => process.exit(0));
} catch (error) {
  log.fatal({ err: error }, 'alerts failed to start');
  process.exit(1);
}
