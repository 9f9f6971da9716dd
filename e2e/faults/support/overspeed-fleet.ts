import type { SpeedProfile } from './device-fleet';

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
