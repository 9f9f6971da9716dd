import type { DriverTraits } from './driver-traits';
import { createEngineState, type EngineState, engineReadout, refuelIfLow, updateEngine } from './engine';
import type { Point } from './geo';
import {
  type Behaviour,
  continueEpisode,
  type Episode,
  HARSH_ACCELERATION,
  type HarshEpisode,
  HARSH_BRAKING,
  HARSH_COOLDOWN_S,
  SPEEDING,
  speedingRoomM,
  startHarshAcceleration,
  startHarshBraking,
  startSpeeding,
} from './misbehaviour';
import { SeededRandom } from './random';
import type { SimulatedReading } from './reading';
import type { RoadEdge, RoadNetwork } from './road-network';
import { allowedSpeedMps, clearDistanceM, cruiseMps, type Lookahead, planRoute, type RoutePlan } from './route-plan';
import type { RoutePlanner } from './route-planner';

export interface VehicleWorld {
  readonly network: RoadNetwork;
  readonly planner: RoutePlanner;
}

export interface VehicleSpec {
  vehicleId: string;
  seed: number;
  traits: DriverTraits;
  /** Standard deviation of the GPS position error, metres (0 = exact positions). */
  gpsNoiseM: number;
}

type Phase = 'parked' | 'idling' | 'stopped' | 'driving';

/** Physics step: short enough that a 1 s harsh manoeuvre spans several steps. */
const STEP_MS = 250;
/** Comfortable braking is planned below this and never exceeds it outside a harsh episode. */
const MAX_NORMAL_BRAKE_MPS2 = 2;
const FIRST_DEPARTURE_S = [2, 30] as const;
const IDLE_BEFORE_DRIVING_S = [3, 8] as const;
const PARKING_S = [20, 120] as const;
/** Close enough to a halt point, slowly enough, to count as halted there. */
const ARRIVAL_M = 1.5;
const ARRIVAL_MPS = 0.8;

/**
 * One vehicle driving routes on the network. Pure and deterministic: its only inputs are its spec
 * and the times it is asked about, so the same seed gives the same readings on any machine run.
 */
export class SimulatedVehicle {
  readonly vehicleId: string;
  private readonly random: SeededRandom;
  private readonly engine: EngineState;
  private readonly speedFactor: number;
  private readonly accelMaxMps2: number;
  private readonly brakeMps2: number;
  private simMs: number;
  private drivenMs = 0;
  private seq = 0;
  private phase: Phase = 'parked';
  private phaseRemainingMs: number;
  private ignition = false;
  private plan: RoutePlan;
  private edgeIndex = 0;
  private offsetM = 0;
  private speedMps = 0;
  private accelMps2 = 0;
  private episode: Episode | null = null;
  /** Driving time after which the next speeding / harsh episode may start (separate cool-downs). */
  private nextSpeedingAtMs: number;
  private nextHarshAtMs: number;
  /** Harsh drivers alternate, so both kinds show up even though braking chances come far more often. */
  private nextHarshKind: HarshEpisode['kind'];
  private lastBehaviour: Behaviour = 'normal';

  constructor(
    private readonly spec: VehicleSpec,
    private readonly world: VehicleWorld,
    startMs: number,
  ) {
    this.vehicleId = spec.vehicleId;
    this.simMs = startMs;
    this.random = new SeededRandom(spec.seed);
    this.engine = createEngineState(this.random);
    this.speedFactor = this.random.between(0.9, 1);
    this.accelMaxMps2 = this.random.between(1.4, MAX_NORMAL_BRAKE_MPS2);
    this.brakeMps2 = this.random.between(1.4, 1.8);
    this.phaseRemainingMs = this.random.between(...FIRST_DEPARTURE_S) * 1000;
    this.nextSpeedingAtMs = this.random.between(0, 30) * 1000;
    this.nextHarshAtMs = this.random.between(0, 30) * 1000;
    this.nextHarshKind = this.random.chance(0.5) ? 'harsh-braking' : 'harsh-acceleration';
    const { network } = world;
    const start = spec.traits.startsInDepot ? network.depotNode : this.random.pick(network.destinations);
    this.plan = this.planFrom(start);
  }

  /** Advances the model to `tsMs` (never backwards) and returns what the device reports then. */
  readingAt(tsMs: number): SimulatedReading {
    if (tsMs < this.simMs) throw new RangeError(`${this.vehicleId}: time went backwards (${tsMs} < ${this.simMs})`);
    while (this.simMs < tsMs) {
      const dtMs = Math.min(STEP_MS, tsMs - this.simMs);
      this.step(dtMs);
      this.simMs += dtMs;
    }
    return this.reading(tsMs);
  }

  /** Limit of the road the vehicle is on (ground truth for tests and expected-event checks). */
  get roadLimitKph(): number {
    return this.currentEdge().limitKph;
  }

  /** What the driver was doing during the last physics step. */
  get behaviour(): Behaviour {
    return this.lastBehaviour;
  }

  /** Exact position, metres from the network centre (before GPS noise). */
  get truePoint(): Point {
    const edge = this.currentEdge();
    const from = this.world.network.points[edge.from] as Point;
    const to = this.world.network.points[edge.to] as Point;
    const share = edge.lengthM > 0 ? this.offsetM / edge.lengthM : 0;
    return { x: from.x + (to.x - from.x) * share, y: from.y + (to.y - from.y) * share };
  }

  private step(dtMs: number): void {
    const dtS = dtMs / 1000;
    let distanceM = 0;
    this.lastBehaviour = 'normal';
    if (this.phase === 'driving') {
      this.drivenMs += dtMs;
      distanceM = this.drive(dtS);
    } else {
      this.speedMps = 0;
      this.accelMps2 = 0;
      this.phaseRemainingMs -= dtMs;
      if (this.phaseRemainingMs <= 0) this.endHalt();
    }
    updateEngine(this.engine, dtS, distanceM, this.ignition);
  }

  private endHalt(): void {
    if (this.phase === 'parked') {
      this.ignition = true;
      this.phase = 'idling';
      this.phaseRemainingMs = this.random.between(...IDLE_BEFORE_DRIVING_S) * 1000;
    } else {
      this.phase = 'driving';
    }
  }

  private drive(dtS: number): number {
    const ahead = this.lookahead();
    const allowed = allowedSpeedMps(ahead, this.brakeMps2, dtS);
    const v = this.speedMps;
    let accel = Math.max(-MAX_NORMAL_BRAKE_MPS2, Math.min(this.accelLimitMps2(), (allowed - v) / dtS));
    this.episode ??= this.considerEpisode(ahead, allowed, dtS);
    const episode = this.episode;
    if (episode?.kind === 'harsh-braking') {
      accel = episode.accelMps2;
    } else if (episode?.kind === 'harsh-acceleration') {
      // A jackrabbit start still respects the turn or halt ahead: it ends where it would overshoot.
      if (v + episode.accelMps2 * dtS <= allowed) accel = episode.accelMps2;
      else this.endEpisode();
    }
    this.lastBehaviour = this.episode?.kind ?? 'normal';

    let next = v + accel * dtS;
    let distanceM = ((v + next) / 2) * dtS;
    if (next <= 0) {
      distanceM = accel < 0 ? (v * v) / (-2 * accel) : 0;
      next = 0;
    }
    this.speedMps = next;
    this.accelMps2 = accel;
    this.advance(distanceM);

    const overLimitKph = this.speedMps * 3.6 - this.currentEdge().limitKph;
    if (this.episode && !continueEpisode(this.episode, dtS * 1000, overLimitKph)) this.endEpisode();
    return distanceM;
  }

  private considerEpisode(ahead: Lookahead, allowed: number, dtS: number): Episode | null {
    const { speeder, harsh } = this.spec.traits;
    const v = this.speedMps;
    const edge = this.currentEdge();
    const speedingDue = speeder && this.drivenMs >= this.nextSpeedingAtMs;
    if (speedingDue && v >= 0.7 * cruiseMps(edge, this.speedFactor, 0) && this.random.chance(SPEEDING.chancePerS * dtS)) {
      const episode = startSpeeding(this.random);
      const target = cruiseMps(edge, this.speedFactor, episode.excessKph);
      const room = clearDistanceM({ ...ahead, excessKph: episode.excessKph }, target);
      if (room >= speedingRoomM(target, this.brakeMps2)) return episode;
    }
    if (!harsh || this.drivenMs < this.nextHarshAtMs) return null;
    let episode: HarshEpisode | null = null;
    if (this.nextHarshKind === 'harsh-braking') {
      if (v >= HARSH_BRAKING.minSpeedMps && this.random.chance(HARSH_BRAKING.chancePerS * dtS)) {
        episode = startHarshBraking(this.random, v);
      }
    } else if (v <= HARSH_ACCELERATION.maxStartSpeedMps && allowed > v) {
      episode = startHarshAcceleration(this.random, allowed - v);
    }
    if (episode) this.nextHarshKind = episode.kind === 'harsh-braking' ? 'harsh-acceleration' : 'harsh-braking';
    return episode;
  }

  private endEpisode(): void {
    if (this.episode?.kind === 'speeding') {
      this.nextSpeedingAtMs = this.drivenMs + this.random.between(...SPEEDING.cooldownS) * 1000;
    } else {
      this.nextHarshAtMs = this.drivenMs + this.random.between(...HARSH_COOLDOWN_S) * 1000;
    }
    this.episode = null;
  }

  /** Moves `distanceM` along the route, halting at planned stops (never running through one). */
  private advance(distanceM: number): void {
    let remaining = distanceM;
    for (;;) {
      const edge = this.currentEdge();
      const toEnd = edge.lengthM - this.offsetM;
      const haltsAtEnd = (this.plan.stopMs[this.edgeIndex] ?? 0) > 0;
      if (remaining < toEnd) {
        this.offsetM += remaining;
        if (haltsAtEnd && edge.lengthM - this.offsetM <= ARRIVAL_M && this.speedMps <= ARRIVAL_MPS) this.halt();
        return;
      }
      if (haltsAtEnd) {
        this.offsetM = edge.lengthM;
        this.halt();
        return;
      }
      remaining -= toEnd;
      this.edgeIndex++;
      this.offsetM = 0;
    }
  }

  private halt(): void {
    const k = this.edgeIndex;
    const haltMs = this.plan.stopMs[k] ?? 0;
    this.plan.stopMs[k] = 0;
    this.speedMps = 0;
    if (this.episode) this.endEpisode();
    this.phaseRemainingMs = haltMs;
    if (k < this.plan.edges.length - 1) {
      this.phase = 'stopped';
      return;
    }
    // End of the trip: park with the engine off, then set off on a new route from here.
    this.phase = 'parked';
    this.ignition = false;
    refuelIfLow(this.engine, this.random);
    this.plan = this.planFrom(this.currentEdge().to);
    this.edgeIndex = 0;
    this.offsetM = 0;
  }

  private planFrom(start: number): RoutePlan {
    const { network, planner } = this.world;
    let destination = this.random.pick(network.destinations);
    while (destination === start) destination = this.random.pick(network.destinations);
    return planRoute(network, planner, start, destination, this.random, this.random.between(...PARKING_S) * 1000);
  }

  /** Cars pull hard from standstill and ever weaker towards motorway speeds. */
  private accelLimitMps2(): number {
    return this.accelMaxMps2 * Math.max(0.35, 1 - this.speedMps / 50);
  }

  private lookahead(): Lookahead {
    return {
      plan: this.plan,
      edgeIndex: this.edgeIndex,
      offsetM: this.offsetM,
      speedMps: this.speedMps,
      speedFactor: this.speedFactor,
      excessKph: this.episode?.kind === 'speeding' ? this.episode.excessKph : 0,
    };
  }

  private currentEdge(): RoadEdge {
    return this.plan.edges[this.edgeIndex] as RoadEdge;
  }

  private reading(ts: number): SimulatedReading {
    const { gpsNoiseM } = this.spec;
    const point = this.truePoint;
    const observed =
      gpsNoiseM > 0
        ? { x: point.x + this.random.gaussian() * gpsNoiseM, y: point.y + this.random.gaussian() * gpsNoiseM }
        : point;
    const { lat, lon } = this.world.network.projection.toLatLon(observed);
    const obd = engineReadout(this.engine, this.speedMps, this.accelMps2, this.ignition, this.random);
    return {
      vehicleId: this.vehicleId,
      ts,
      seq: this.seq++,
      lat: round(lat, 6),
      lon: round(lon, 6),
      speedKph: round(this.speedMps * 3.6, 1),
      headingDeg: round(this.currentEdge().courseDeg, 1) % 360,
      // Receivers report roughly a 2σ radius, wobbling a little from fix to fix.
      gpsAccuracyM: round(Math.max(0.5, 2 * gpsNoiseM * (1 + 0.1 * this.random.gaussian())), 1),
      accelLongMps2: round(this.accelMps2, 2),
      rpm: Math.round(obd.rpm),
      engineLoadPct: round(obd.engineLoadPct, 1),
      throttlePct: round(obd.throttlePct, 1),
      fuelLevelPct: round(obd.fuelLevelPct, 1),
      coolantTempC: round(obd.coolantTempC, 1),
      batteryV: round(obd.batteryV, 2),
      odometerKm: round(obd.odometerKm, 3),
      ignition: this.ignition,
    };
  }
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
