import type { Cleanup } from './cleanup';
import { type DeviceFleet, type SpeedProfile, startDeviceFleet } from './device-fleet';
import type { FaultPipeline } from './fault-pipeline';
import { type RegisteredFleet, registerFleet } from './fleet-registry';

/**
 * Vehicles that each drive one overspeed episode (100 km/h against their 80 km/h limit, otherwise
 * 60 km/h), staggered so that the episodes are at different stages when a fault hits: each yields
 * exactly one OVERSPEED and one OVERSPEED_END event and one email.
 */
export function overspeedVehicles(
  prefix: string,
  count: number,
  episode: { from: number; length: number; stagger: number },
): { vehicleId: string; speed: SpeedProfile }[] {
  return Array.from({ length: count }, (_, k) => {
    const start = episode.from + k * episode.stagger;
    return {
      vehicleId: `${prefix}v${k}`,
      speed: (seq: number) => (seq >= start && seq < start + episode.length ? 100 : 60),
    };
  });
}

export function expectedEpisodeEvents(vehicleIds: string[]): string[] {
  return vehicleIds.flatMap((id) => [`${id}:OVERSPEED`, `${id}:OVERSPEED_END`]).sort();
}

export interface OverspeedFleetOptions {
  /** Vehicles, each driving one episode (see overspeedVehicles). */
  count: number;
  episode: { from: number; length: number; stagger: number };
  readingsPerVehicle: number;
  /** Device time of reading 0, this long before now (default 5 minutes). */
  startAgoMs?: number;
  /** Where the devices publish (default: the pipeline's embedded broker). */
  brokerUrl?: string;
  /** Ops ports of the processor instances that must see the vehicles (default: the pipeline's one). */
  processorOpsPorts?: number[];
}

export interface OverspeedFleet {
  vehicles: { vehicleId: string; speed: SpeedProfile }[];
  /** The one owner of every vehicle. */
  owner: RegisteredFleet;
  devices: DeviceFleet;
}

/**
 * Overspeed vehicles registered to one owner (once the processors have them), then their devices
 * publishing one reading per vehicle every 100 ms; `cleanup` closes the devices.
 */
export async function startOverspeedFleet(
  { namespace, pipeline }: Pick<FaultPipeline, 'namespace' | 'pipeline'>,
  cleanup: Cleanup,
  options: OverspeedFleetOptions,
): Promise<OverspeedFleet> {
  const vehicles = overspeedVehicles(`${namespace.slice(-8)}-`, options.count, options.episode);
  const owner = await registerFleet(pipeline, {
    namespace,
    vehicleIds: vehicles.map((vehicle) => vehicle.vehicleId),
    processorOpsPorts: options.processorOpsPorts ?? [pipeline.ports.processorsOps],
  });
  const devices = await startDeviceFleet({
    brokerUrl: options.brokerUrl ?? `mqtt://127.0.0.1:${pipeline.ports.mqtt}`,
    vehicles,
    startTs: Date.now() - (options.startAgoMs ?? 5 * 60_000),
    intervalMs: 100,
    readingsPerVehicle: options.readingsPerVehicle,
  });
  cleanup.add('devices', () => devices.close());
  return { vehicles, owner, devices };
}
