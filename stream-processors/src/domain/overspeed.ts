import type { TelemetryReading, VehicleEvent } from '@fleet/contracts';
import { anchorOf, createVehicleEvent, NO_EVENTS, type ReadingAnchor } from './vehicle-event-factory';

/**
 * Overspeed episodes, in event time.
 *
 * - An episode starts at the first reading with speed > limit.
 * - Duration is measured from that first over-limit reading to the current reading. OVERSPEED is
 *   emitted once, at the first reading that is itself over the limit and ≥ minDurationMs after the
 *   start (readings 4.9 s apart: nothing; 5.0 s: confirmed). A one-reading spike never confirms.
 * - The episode ends at the first reading with speed ≤ limit − hysteresis (the END carries that
 *   reading), or when the next reading arrives > gapTimeoutMs after the previous one (the END
 *   carries the episode's last reading: we only know the vehicle was speeding until then).
 *   Readings in the hysteresis band (limit − hysteresis < speed ≤ limit) keep the episode open but
 *   do not confirm it. An unconfirmed episode ends silently. The core has no clock, so the END of
 *   a vehicle that goes silent for good waits for its next reading (a watermark-driven flush in
 *   the runtime could close such episodes; not done here).
 * - The limit is the one in force at each reading (zones change it): a vehicle entering a lower
 *   zone while speeding stays in the same episode, now judged against the lower limit; leaving into
 *   a higher zone ends the episode once speed ≤ new limit − hysteresis. Both events report
 *   `limitKph` = the lowest limit the vehicle actually exceeded during the episode (the strictest
 *   rule it broke), `peakSpeedKph` = the highest speed of the episode so far.
 */
export interface OverspeedEpisode {
  startTs: number;
  lowestExceededLimitKph: number;
  peakSpeedKph: number;
  confirmed: boolean;
  /** Last reading of the episode; also the previous reading, since every reading extends or ends it. */
  last: ReadingAnchor;
}

export interface OverspeedState {
  episode: OverspeedEpisode | null;
}

export interface OverspeedConfig {
  /** Applicable limit at this reading (see applicableSpeedLimit). */
  limitKph: number;
  minDurationMs: number;
  hysteresisKph: number;
  gapTimeoutMs: number;
}

export interface OverspeedResult {
  state: OverspeedState;
  events: readonly VehicleEvent[];
}

/** Shared (frozen) idle state: most vehicles are not speeding, so most states point at one object. */
const NO_EPISODE: OverspeedState = Object.freeze({ episode: null });

export function initialOverspeedState(): OverspeedState {
  return NO_EPISODE;
}

export function detectOverspeed(state: OverspeedState, reading: TelemetryReading, config: OverspeedConfig): OverspeedResult {
  let episode = state.episode;
  // No emit() closure: tsx (esbuild keepNames) would wrap it in a defineProperty call per reading.
  let events: VehicleEvent[] | null = null;

  if (episode !== null && reading.ts - episode.last.ts > config.gapTimeoutMs) {
    if (episode.confirmed) events = [endEvent(reading.vehicleId, episode, episode.last)];
    episode = null;
  }

  const speed = reading.speedKph;
  const limit = config.limitKph;
  if (episode !== null) {
    if (speed <= limit - config.hysteresisKph) {
      if (episode.confirmed) events = append(events, endEvent(reading.vehicleId, episode, anchorOf(reading)));
      episode = null;
    } else {
      const over = speed > limit;
      episode = {
        startTs: episode.startTs,
        lowestExceededLimitKph: over ? Math.min(episode.lowestExceededLimitKph, limit) : episode.lowestExceededLimitKph,
        peakSpeedKph: Math.max(episode.peakSpeedKph, speed),
        confirmed: episode.confirmed,
        last: anchorOf(reading),
      };
      if (!episode.confirmed && over && reading.ts - episode.startTs >= config.minDurationMs) {
        episode.confirmed = true;
        events = append(events, confirmedEvent(reading.vehicleId, episode));
      }
    }
  } else if (speed > limit) {
    episode = {
      startTs: reading.ts,
      lowestExceededLimitKph: limit,
      peakSpeedKph: speed,
      confirmed: config.minDurationMs <= 0,
      last: anchorOf(reading),
    };
    if (episode.confirmed) events = append(events, confirmedEvent(reading.vehicleId, episode));
  }

  if (episode === state.episode) return { state, events: NO_EVENTS };
  return { state: episode === null ? NO_EPISODE : { episode }, events: events ?? NO_EVENTS };
}

function append(events: VehicleEvent[] | null, event: VehicleEvent): VehicleEvent[] {
  if (events === null) return [event];
  events.push(event);
  return events;
}

function confirmedEvent(vehicleId: string, episode: OverspeedEpisode): VehicleEvent {
  return createVehicleEvent(vehicleId, 'OVERSPEED', episode.last, {
    limitKph: episode.lowestExceededLimitKph,
    peakSpeedKph: episode.peakSpeedKph,
    durationMs: episode.last.ts - episode.startTs,
  });
}

function endEvent(vehicleId: string, episode: OverspeedEpisode, at: ReadingAnchor): VehicleEvent {
  return createVehicleEvent(vehicleId, 'OVERSPEED_END', at, {
    limitKph: episode.lowestExceededLimitKph,
    peakSpeedKph: episode.peakSpeedKph,
    durationMs: at.ts - episode.startTs,
  });
}
