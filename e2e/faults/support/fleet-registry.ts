import { waitFor } from '@fleet/testkit';
import { metricValue } from '../../src/metric-value';
import { registryClient } from '../../src/test-pipeline';

export interface RegisteredFleet {
  ownerEmail: string;
  vehicleIds: string[];
}

/**
 * One owner with the given vehicles (speed limit 80 km/h) through the alerts API, then waits until
 * the processors (each ops port given) have the vehicles in their registry table.
 */
export async function registerFleet(
  pipeline: { apiUrl: string; adminToken: string },
  options: { namespace: string; vehicleIds: string[]; ownerId?: string; ownerEmail?: string; processorOpsPorts: number[] },
): Promise<RegisteredFleet> {
  const post = registryClient(pipeline.apiUrl, pipeline.adminToken);
  const ownerId = options.ownerId ?? `${options.namespace.slice(-8)}-owner`;
  const ownerEmail = options.ownerEmail ?? `${options.namespace}@fleet.example`;
  await post('owners', { id: ownerId, name: 'Fault Owner', email: ownerEmail, timezone: 'Europe/Berlin' });
  for (const vehicleId of options.vehicleIds) {
    await post('vehicles', { id: vehicleId, ownerId, name: `Vehicle ${vehicleId}`, speedLimitKph: 80 });
  }
  for (const port of options.processorOpsPorts) {
    await waitFor(
      async () => (await metricValue(port, 'processor_registry_records', 'table="vehicles"')) >= options.vehicleIds.length,
      { timeoutMs: 60_000, intervalMs: 250, message: 'the processors did not see the registry records' },
    );
  }
  return { ownerEmail, vehicleIds: options.vehicleIds };
}
