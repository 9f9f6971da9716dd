import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/logger';
import { Counter, createMetricsRegistry } from '../src/metrics';
import { type OpsServer, startOpsServer } from '../src/ops-server';

let server: OpsServer | undefined;
afterEach(async () => {
  await server?.close();
});

describe('ops server', () => {
  it('serves liveness, readiness per check, and Prometheus metrics on loopback', async () => {
    const registry = createMetricsRegistry('test-service');
    const received = new Counter({ name: 'readings_received_total', help: 'readings', registers: [registry] });
    received.inc(3);
    let kafkaConnected = false;
    server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      readiness: { kafka: () => kafkaConnected, mqtt: () => true },
      log: silentLogger(),
    });
    const base = `http://127.0.0.1:${server.port}`;

    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not-ready', checks: { kafka: false, mqtt: true } });

    kafkaConnected = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('readings_received_total{service="test-service"} 3');
    expect(metrics).toContain('process_resident_memory_bytes');
  });
});
