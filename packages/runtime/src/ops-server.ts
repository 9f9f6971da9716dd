import type { Server } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** A named readiness check: true when the dependency is usable right now. */
export type ReadinessCheck = () => boolean;

export interface OpsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  readiness: Record<string, ReadinessCheck>;
  log: Logger;
}

export interface OpsServer {
  /** The bound port (useful when 0 asked for an ephemeral one). */
  port: number;
  close(): Promise<void>;
}

/** Creates the express app for /healthz (alive), /readyz (dependencies usable) and /metrics. */
export function createOpsApp(registry: Registry, readiness: Record<string, ReadinessCheck>): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const checks = Object.fromEntries(Object.entries(readiness).map(([name, check]) => [name, check()]));
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return app;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const app = createOpsApp(options.registry, options.readiness);
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port, options.host, () => resolve(listening));
    listening.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  options.log.info({ host: options.host, port }, 'ops endpoints listening (/healthz /readyz /metrics)');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
