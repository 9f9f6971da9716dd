import { turnAngleDeg } from './geo';
import type { SeededRandom } from './random';
import { edgeBetween, type RoadEdge, type RoadNetwork } from './road-network';
import type { RoutePlanner } from './route-planner';

/** Turns sharper than this need slowing down; gentler bends (the ring, jittered streets) do not. */
const BEND_DEG = 25;
const SHARP_TURN_DEG = 60;
const SHARP_TURN_MPS = 22 / 3.6;
const BEND_MPS = 40 / 3.6;
/** Chance of having to stop at a city intersection (lights, stop sign, traffic) and for how long. */
const INTERSECTION_STOP_CHANCE = 0.2;
const INTERSECTION_STOP_S = [3, 25] as const;

export interface RoutePlan {
  readonly edges: readonly RoadEdge[];
  /** Highest speed (m/s) the turn at the end of edges[k] allows; Infinity when going straight on. */
  readonly cornerMps: readonly number[];
  /** Planned halt (ms) at the end of edges[k]; the last one is the parking stop. Zeroed once served. */
  readonly stopMs: number[];
}

/** A route from `from` to `to` with its turns and the intersections where the vehicle will halt. */
export function planRoute(
  network: RoadNetwork,
  planner: RoutePlanner,
  from: number,
  to: number,
  random: SeededRandom,
  parkingMs: number,
): RoutePlan {
  const nodes = planner.route(from, to);
  const edges: RoadEdge[] = [];
  for (let k = 0; k + 1 < nodes.length; k++) edges.push(edgeBetween(network, nodes[k] as number, nodes[k + 1] as number));
  const cornerMps: number[] = [];
  const stopMs: number[] = [];
  edges.forEach((edge, k) => {
    const next = edges[k + 1];
    if (!next) {
      cornerMps.push(0);
      stopMs.push(parkingMs);
      return;
    }
    const angle = turnAngleDeg(edge.courseDeg, next.courseDeg);
    cornerMps.push(angle > SHARP_TURN_DEG ? SHARP_TURN_MPS : angle > BEND_DEG ? BEND_MPS : Number.POSITIVE_INFINITY);
    const cityIntersection = edge.type !== 'highway' && next.type !== 'highway' && (network.edgesFrom[edge.to]?.length ?? 0) >= 3;
    const halts = cityIntersection && random.chance(INTERSECTION_STOP_CHANCE);
    stopMs.push(halts ? random.between(...INTERSECTION_STOP_S) * 1000 : 0);
  });
  return { edges, cornerMps, stopMs };
}

/** The speed a driver aims for on `edge`: a share of its limit, or a deliberate excess over it. */
export function cruiseMps(edge: RoadEdge, speedFactor: number, excessKph: number): number {
  return (excessKph > 0 ? edge.limitKph + excessKph : edge.limitKph * speedFactor) / 3.6;
}

export interface Lookahead {
  plan: RoutePlan;
  edgeIndex: number;
  offsetM: number;
  speedMps: number;
  speedFactor: number;
  excessKph: number;
}

/** Far enough to brake comfortably from any speed the simulator reaches. */
const HORIZON_M = 800;

/**
 * The highest speed from which the driver can still meet every constraint ahead (halts, turns,
 * lower limits) braking at `brakeMps2`, judged where the vehicle will be after `dtS` so the braking
 * starts on time rather than one step late.
 */
export function allowedSpeedMps(ahead: Lookahead, brakeMps2: number, dtS: number): number {
  const { plan, edgeIndex, speedFactor, excessKph } = ahead;
  const edge = plan.edges[edgeIndex];
  if (!edge) return 0;
  let allowed = cruiseMps(edge, speedFactor, excessKph);
  let distance = edge.lengthM - ahead.offsetM - ahead.speedMps * dtS;
  for (let k = edgeIndex; k < plan.edges.length; k++) {
    const constraint = nodeConstraintMps(plan, k, speedFactor, excessKph);
    allowed = Math.min(allowed, Math.sqrt(constraint * constraint + 2 * brakeMps2 * Math.max(0, distance)));
    distance += plan.edges[k + 1]?.lengthM ?? 0;
    if (distance > HORIZON_M) break;
  }
  return allowed;
}

/** Distance to the first node ahead that must be passed slower than `speedMps` (or HORIZON_M·4). */
export function clearDistanceM(ahead: Lookahead, speedMps: number): number {
  const { plan, edgeIndex, speedFactor, excessKph } = ahead;
  let distance = (plan.edges[edgeIndex]?.lengthM ?? 0) - ahead.offsetM;
  for (let k = edgeIndex; k < plan.edges.length; k++) {
    if (nodeConstraintMps(plan, k, speedFactor, excessKph) < speedMps) return distance;
    distance += plan.edges[k + 1]?.lengthM ?? 0;
    if (distance > 4 * HORIZON_M) break;
  }
  return distance;
}

function nodeConstraintMps(plan: RoutePlan, k: number, speedFactor: number, excessKph: number): number {
  if ((plan.stopMs[k] ?? 0) > 0) return 0;
  const next = plan.edges[k + 1];
  const corner = plan.cornerMps[k] ?? 0;
  return next ? Math.min(corner, cruiseMps(next, speedFactor, excessKph)) : 0;
}
