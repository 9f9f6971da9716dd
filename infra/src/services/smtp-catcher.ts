import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_HOST } from '../endpoints';
import { httpStatus } from '../net';
import { infraRoot, repoRoot } from '../paths';
import { spawnDetached, stopProcess } from '../process-supervisor';
import type { LocalService, ServiceContext } from './service';

const ENTRY = join(infraRoot, 'src', 'smtp-catcher', 'main.ts');

export function smtpCatcherService(ctx: ServiceContext): LocalService {
  const apiUrl = `http://${LOCAL_HOST}:${ctx.ports.mailApi}`;
  const storeDir = join(ctx.serviceDir, 'messages');

  return {
    name: 'smtp',
    description: 'SMTP catcher (smtp-server + mailparser, Mailpit-style HTTP API)',
    logFile: join(ctx.serviceDir, 'process.log'),
    readyTimeoutMs: 30_000,
    requirements: () => [],
    isInstalled: () => true,
    async install() {},

    bindings: () => [
      { host: LOCAL_HOST, port: ctx.ports.smtp },
      { host: LOCAL_HOST, port: ctx.ports.mailApi },
    ],

    async start(log) {
      mkdirSync(storeDir, { recursive: true });
      spawnDetached({
        // One node process (tsx as an import hook, not the tsx CLI, which would add a parent process).
        command: process.execPath,
        args: ['--import', 'tsx', ENTRY],
        cwd: repoRoot,
        env: {
          ...ctx.env,
          SMTP_CATCHER_HOST: LOCAL_HOST,
          SMTP_CATCHER_SMTP_PORT: String(ctx.ports.smtp),
          SMTP_CATCHER_API_PORT: String(ctx.ports.mailApi),
          SMTP_CATCHER_STORE_DIR: storeDir,
        },
        dir: ctx.serviceDir,
        marker: ENTRY,
        owner: ctx.owner,
      });
      log(`smtp: started (log: ${join(ctx.serviceDir, 'process.log')})`);
    },

    isReady: async () => (await httpStatus(`${apiUrl}/api/v1/messages`)) === 200,

    stop: (log) => stopProcess(ctx.serviceDir, { name: 'smtp', log, timeoutMs: 10_000 }),
  };
}
