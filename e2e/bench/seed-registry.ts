import { createFleet, resolveSimulationOptions } from '@fleet/device-simulator';
import { registryClient } from '../src/test-pipeline';
import type { SimSpec } from './sim-protocol';

export interface SeededFleet {
  /** Vehicles with a misbehaviour trait (registered, with an owner, so they can cause emails). */
  misbehaving: string[];
  speeders: number;
  harsh: number;
}

/** Speed limit given to speeders: below what they drive on arterials and highways, so episodes happen. */
export const SPEEDER_LIMIT_KPH = 60;

async function inParallel<T>(items: T[], concurrency: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

/**
 * Registers the misbehaving vehicles of a simulated fleet through the API: a few owners whose
 * addresses contain `mailDomain`, speeders with a low own limit, harsh drivers with a high one.
 */
export async function seedRegistry(apiUrl: string, adminToken: string, spec: SimSpec, mailDomain: string): Promise<SeededFleet> {
  const post = registryClient(apiUrl, adminToken);
  const fleet = createFleet(resolveSimulationOptions({ ...spec, ratePerSec: 1 }));
  const owners = Array.from({ length: 10 }, (_, k) => ({
    id: `${spec.idPrefix}owner-${k}`,
    name: `Bench owner ${k}`,
    email: `owner-${k}@${mailDomain}`,
    timezone: 'Europe/Berlin',
  }));
  for (const owner of owners) await post('owners', owner);
  const misbehaving = fleet.traits.flatMap((traits, index) => (traits.speeder || traits.harsh ? [index] : []));
  await inParallel(misbehaving, 16, (index) =>
    post('vehicles', {
      id: fleet.vehicleIds[index],
      ownerId: owners[index % owners.length]?.id,
      name: `Bench ${index + 1}`,
      speedLimitKph: fleet.traits[index]?.speeder ? SPEEDER_LIMIT_KPH : 130,
    }),
  );
  return {
    misbehaving: misbehaving.map((index) => fleet.vehicleIds[index] as string),
    speeders: fleet.traits.filter((traits) => traits.speeder).length,
    harsh: fleet.traits.filter((traits) => traits.harsh).length,
  };
}
