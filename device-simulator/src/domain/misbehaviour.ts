import type { SeededRandom } from './random';

export type Behaviour = 'normal' | 'speeding' | 'harsh-braking' | 'harsh-acceleration';

export interface SpeedingEpisode {
  kind: 'speeding';
  excessKph: number;
  /** Time left above the limit; counts down once the excess is (nearly) reached. */
  holdMs: number;
  /** Time left to reach the excess before the hold starts counting anyway. */
  approachMs: number;
}

export interface HarshEpisode {
  kind: 'harsh-braking' | 'harsh-acceleration';
  accelMps2: number;
  remainingMs: number;
}

export type Episode = SpeedingEpisode | HarshEpisode;

export const SPEEDING = { excessKph: [15, 40], holdS: [10, 60], approachS: 30, cooldownS: [30, 150], chancePerS: 0.2 } as const;
export const HARSH_BRAKING = { decelMps2: [5, 7], durationS: [1, 3], minSpeedMps: 9, chancePerS: 0.05 } as const;
/** Pulling away hard from a stop or out of a turn (≤ ~25 km/h). */
export const HARSH_ACCELERATION = { accelMps2: [3.6, 4.5], durationS: [1, 3], maxStartSpeedMps: 7 } as const;
export const HARSH_COOLDOWN_S = [20, 90] as const;
/** Harsh braking stops this short of standstill so the manoeuvre reads as braking, not stopping. */
const BRAKE_FLOOR_MPS = 1;

export function startSpeeding(random: SeededRandom): SpeedingEpisode {
  return {
    kind: 'speeding',
    excessKph: random.between(...SPEEDING.excessKph),
    holdMs: random.between(...SPEEDING.holdS) * 1000,
    approachMs: SPEEDING.approachS * 1000,
  };
}

/** Clear distance a speeding episode needs: reach the excess, hold it ~15 s, brake back down. */
export function speedingRoomM(targetMps: number, brakeMps2: number): number {
  return targetMps * 15 + (targetMps * targetMps) / (2 * brakeMps2);
}

/** A harsh stab on the brakes of at least a second, or null when the vehicle is too slow for one. */
export function startHarshBraking(random: SeededRandom, speedMps: number): HarshEpisode | null {
  const decel = random.between(...HARSH_BRAKING.decelMps2);
  const durationS = Math.min(random.between(...HARSH_BRAKING.durationS), (speedMps - BRAKE_FLOOR_MPS) / decel);
  return durationS >= 1 ? { kind: 'harsh-braking', accelMps2: -decel, remainingMs: durationS * 1000 } : null;
}

/** A jackrabbit start of at least a second, or null when `headroomMps` leaves no room for one. */
export function startHarshAcceleration(random: SeededRandom, headroomMps: number): HarshEpisode | null {
  const accel = random.between(...HARSH_ACCELERATION.accelMps2);
  const durationS = Math.min(random.between(...HARSH_ACCELERATION.durationS), headroomMps / accel);
  return durationS >= 1 ? { kind: 'harsh-acceleration', accelMps2: accel, remainingMs: durationS * 1000 } : null;
}

/**
 * Counts an episode down by `dtMs`; returns false once it is over. A speeding hold only counts
 * while the vehicle is actually near its target excess (or after the approach time ran out).
 */
export function continueEpisode(episode: Episode, dtMs: number, overLimitKph: number): boolean {
  if (episode.kind !== 'speeding') {
    episode.remainingMs -= dtMs;
    return episode.remainingMs > 0;
  }
  if (episode.approachMs > 0 && overLimitKph < 0.8 * episode.excessKph) {
    episode.approachMs -= dtMs;
    return true;
  }
  episode.approachMs = 0;
  episode.holdMs -= dtMs;
  return episode.holdMs > 0;
}
