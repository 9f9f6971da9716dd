import { deriveSeed, SeededRandom } from './random';

/** Shares of the fleet, each in [0, 1], that misbehave in each way. */
export interface MisbehaviourShares {
  speeding: number;
  harsh: number;
  depotExit: number;
}

export interface DriverTraits {
  /** Drives 15–40 km/h over the limit for 10–60 s now and then. */
  speeder: boolean;
  /** Brakes (−5 to −7 m/s²) and accelerates (+3.5 to +4.5 m/s²) harshly now and then. */
  harsh: boolean;
  /** Starts parked inside the depot circle and drives out of it. */
  startsInDepot: boolean;
}

/**
 * Exactly round(share × count) vehicles get each trait, picked by a seeded shuffle so the share
 * shows up precisely in a small fleet too, independently for each trait.
 */
export function assignDriverTraits(seed: number, count: number, shares: MisbehaviourShares): DriverTraits[] {
  const chosen = (share: number, stream: number): Set<number> => {
    const indices = Array.from({ length: count }, (_, index) => index);
    return new Set(new SeededRandom(deriveSeed(seed, stream)).shuffled(indices).slice(0, Math.round(share * count)));
  };
  const speeders = chosen(shares.speeding, 1);
  const harsh = chosen(shares.harsh, 2);
  const depot = chosen(shares.depotExit, 3);
  return Array.from({ length: count }, (_, index) => ({
    speeder: speeders.has(index),
    harsh: harsh.has(index),
    startsInDepot: depot.has(index),
  }));
}
