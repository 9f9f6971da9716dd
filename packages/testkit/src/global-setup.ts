/**
 * Vitest globalSetup: makes the infrastructure usable before any test file runs and provides its
 * endpoints (`inject('infra')`, or `getInfra()` from @fleet/testkit).
 *
 *   test: { globalSetup: ['@fleet/testkit/global-setup'] }          // the default services
 *   FLEET_INFRA_SERVICES=kafka,schema-registry                       // only these
 *   FLEET_KEEP_INFRA=1                                               // leave them running after
 *
 * Servers already running (e.g. `npm run infra:up`) are reused and never stopped here. Servers
 * this globalSetup started are stopped in teardown, once no other concurrent test run uses them.
 * A workspace that needs a fixed subset, or an opt-in service, writes its own globalSetup file:
 *   export default createInfraSetup({ services: ['kafka'] });
 *   export default createInfraSetup({ extraServices: ['influxdb2'] });   // the defaults + InfluxDB 2
 */
import { acquireInfra, DEFAULT_SERVICES, SERVICE_NAMES, type ServiceName } from '@fleet/infra';
import type { TestProject } from 'vitest/node';
import './provided-context';

export interface InfraSetupOptions {
  /** Services to make available (default: FLEET_INFRA_SERVICES, else the infra's default services). */
  services?: readonly ServiceName[];
  /** Started as well, whatever the list above: opt-in services this project's tests cannot do without. */
  extraServices?: readonly ServiceName[];
}

function servicesFromEnv(): ServiceName[] | undefined {
  const raw = process.env.FLEET_INFRA_SERVICES?.trim();
  if (!raw) return undefined;
  const names = raw.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !(SERVICE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`FLEET_INFRA_SERVICES: unknown ${unknown.join(', ')} (known: ${SERVICE_NAMES.join(', ')})`);
  }
  return names as ServiceName[];
}

const log = (line: string) => process.stderr.write(`[infra] ${line}\n`);

export function createInfraSetup(options: InfraSetupOptions = {}) {
  return async function setup(project: TestProject): Promise<() => Promise<void>> {
    const base = options.services ?? servicesFromEnv() ?? DEFAULT_SERVICES;
    const services = [...new Set([...base, ...(options.extraServices ?? [])])];
    const lease = await acquireInfra({ services, log });
    project.provide('infra', lease.endpoints);
    return async () => {
      const keep = process.env.FLEET_KEEP_INFRA === '1';
      const stopped = await lease.release({ keep });
      if (keep && lease.started.length > 0) log(`FLEET_KEEP_INFRA=1: leaving ${lease.started.join(', ')} running`);
      else if (stopped.length > 0) log(`stopped ${stopped.join(', ')}`);
    };
  };
}

export default createInfraSetup();
