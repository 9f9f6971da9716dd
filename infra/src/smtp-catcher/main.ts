/**
 * The local SMTP catcher: SMTP in, JSON files under the store dir, a Mailpit-style HTTP API out.
 * Started detached by infra/src/services/smtp-catcher.ts; configured by env:
 * SMTP_CATCHER_HOST, SMTP_CATCHER_SMTP_PORT, SMTP_CATCHER_API_PORT, SMTP_CATCHER_STORE_DIR.
 */
import type { Server } from 'node:http';
import type { Server as NetServer } from 'node:net';
import { z } from 'zod';
import { createHttpApi } from './http-api';
import { MessageStore } from './message-store';
import { createSmtpReceiver } from './smtp-receiver';

const config = z
  .object({
    SMTP_CATCHER_HOST: z.string().min(1).default('127.0.0.1'),
    SMTP_CATCHER_SMTP_PORT: z.coerce.number().int().min(1).max(65_535).default(11025),
    SMTP_CATCHER_API_PORT: z.coerce.number().int().min(1).max(65_535).default(18025),
    SMTP_CATCHER_STORE_DIR: z.string().min(1),
  })
  .parse(process.env);

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
const onError = (error: Error) => log(`error: ${error.stack ?? error.message}`);

const store = new MessageStore(config.SMTP_CATCHER_STORE_DIR);
const smtp = createSmtpReceiver(store, onError);
const api: Server = createHttpApi(store, onError);

function listen(server: NetServer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, config.SMTP_CATCHER_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  const force = setTimeout(() => process.exit(0), 3_000);
  force.unref();
  smtp.close(() => {
    api.close(() => process.exit(0));
    api.closeAllConnections();
  });
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

try {
  await listen(smtp.server, config.SMTP_CATCHER_SMTP_PORT);
  await listen(api, config.SMTP_CATCHER_API_PORT);
  log(
    `smtp catcher: SMTP on ${config.SMTP_CATCHER_HOST}:${config.SMTP_CATCHER_SMTP_PORT}, ` +
      `API on http://${config.SMTP_CATCHER_HOST}:${config.SMTP_CATCHER_API_PORT}/api/v1/messages, ` +
      `${store.list().length} stored messages in ${config.SMTP_CATCHER_STORE_DIR}`,
  );
} catch (error) {
  onError(error as Error);
  process.exit(1);
}
