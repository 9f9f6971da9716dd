import { getInfra, uniqueName, waitFor } from '@fleet/testkit';

export { uniqueName };

export interface TestInfra {
  kafkaBrokers: string[];
  registryUrl: string;
  /** The MQTT 5 broker of the local infrastructure (mochi-mqtt), for external-broker mode. */
  mqttUrl: string;
}

/** Endpoints provided by the shared testkit's globalSetup. */
export function testInfra(): TestInfra {
  const infra = getInfra();
  return { kafkaBrokers: infra.kafkaBrokers, registryUrl: infra.registryUrl, mqttUrl: infra.mqttUrl };
}

export function waitUntil<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 30_000) {
  return waitFor(probe, { timeoutMs, message: what, intervalMs: 50 });
}
