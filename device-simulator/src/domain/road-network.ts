import { courseDeg, type LatLon, LocalProjection, type Point, planarDistanceM } from './geo';
import { SeededRandom } from './random';

export type RoadType = 'residential' | 'arterial' | 'highway';

/** Each street (or the whole ring) gets one of these limits, drawn from the network seed. */
export const SPEED_LIMIT_CHOICES_KPH: Readonly<Record<RoadType, readonly number[]>> = {
  residential: [30, 40, 50],
  arterial: [50, 60, 70],
  highway: [100, 110, 120],
};

export interface RoadEdge {
  readonly from: number;
  readonly to: number;
  readonly lengthM: number;
  readonly type: RoadType;
  readonly limitKph: number;
  readonly courseDeg: number;
}

export interface Circle {
  readonly center: Point;
  readonly radiusM: number;
}

export interface RoadNetworkLayout {
  /** Blocks along one side of the square street grid (even, ≥ 4). */
  blocksPerSide: number;
  blockM: number;
}

export const DEFAULT_NETWORK_LAYOUT: RoadNetworkLayout = { blocksPerSide: 12, blockM: 400 };

export interface RoadNetwork {
  readonly projection: LocalProjection;
  readonly points: readonly Point[];
  readonly edgesFrom: readonly (readonly RoadEdge[])[];
  /** Street intersections vehicles start from and drive to (never the depot or the ring). */
  readonly destinations: readonly number[];
  /** Where depot vehicles park: a dead end, so through traffic never enters the depot circle. */
  readonly depotNode: number;
  readonly depot: Circle;
}

/** Every fourth street is an arterial; the grid's outer streets too. */
const ARTERIAL_EVERY = 4;
const RING_VERTICES = 16;
/** Intersections are nudged a little so streets are not ruler-straight and routes are not tied. */
const JITTER_SHARE_OF_BLOCK = 0.04;

class NetworkBuilder {
  readonly points: Point[] = [];
  readonly edgesFrom: RoadEdge[][] = [];

  addNode(point: Point): number {
    this.points.push(point);
    this.edgesFrom.push([]);
    return this.points.length - 1;
  }

  connect(a: number, b: number, type: RoadType, limitKph: number): void {
    const pa = this.point(a);
    const pb = this.point(b);
    const lengthM = planarDistanceM(pa, pb);
    this.edgesFrom[a]?.push({ from: a, to: b, lengthM, type, limitKph, courseDeg: courseDeg(pa, pb) });
    this.edgesFrom[b]?.push({ from: b, to: a, lengthM, type, limitKph, courseDeg: courseDeg(pb, pa) });
  }

  point(id: number): Point {
    const point = this.points[id];
    if (!point) throw new RangeError(`no road node ${id}`);
    return point;
  }
}

/**
 * A square street grid around the centre (residential streets, arterials every fourth line and on
 * the edge), a 16-sided highway ring outside it joined by ramps at the arterials' ends, and a depot
 * in the block north-east of the centre reached by a short dead-end access road.
 */
export function buildRoadNetwork(center: LatLon, seed: number, layout: RoadNetworkLayout = DEFAULT_NETWORK_LAYOUT): RoadNetwork {
  const { blocksPerSide: n, blockM } = layout;
  if (n < 4 || n % 2 !== 0) throw new RangeError('blocksPerSide must be an even number ≥ 4');
  const random = new SeededRandom(seed);
  const builder = new NetworkBuilder();
  const half = n / 2;
  const jitter = () => random.between(-1, 1) * JITTER_SHARE_OF_BLOCK * blockM;

  const grid: number[] = [];
  for (let j = 0; j <= n; j++) {
    for (let i = 0; i <= n; i++) {
      grid.push(builder.addNode({ x: (i - half) * blockM + jitter(), y: (j - half) * blockM + jitter() }));
    }
  }
  const at = (i: number, j: number): number => grid[j * (n + 1) + i] as number;
  const streetType = (line: number): RoadType => (line % ARTERIAL_EVERY === 0 || line === n ? 'arterial' : 'residential');
  const streetLimits = (): number[] =>
    Array.from({ length: n + 1 }, (_, line) => random.pick(SPEED_LIMIT_CHOICES_KPH[streetType(line)]));
  const eastWestLimits = streetLimits();
  const northSouthLimits = streetLimits();

  // The depot sits in the block whose south-west corner is the centre; its access road meets the
  // block's southern street half-way, so that street is split there.
  const sw = builder.point(at(half, half));
  const se = builder.point(at(half + 1, half));
  const ne = builder.point(at(half + 1, half + 1));
  const nw = builder.point(at(half, half + 1));
  const accessNode = builder.addNode({ x: (sw.x + se.x) / 2, y: (sw.y + se.y) / 2 });
  const depotCenter = { x: (sw.x + se.x + ne.x + nw.x) / 4, y: (sw.y + se.y + ne.y + nw.y) / 4 };
  const depotNode = builder.addNode(depotCenter);

  for (let j = 0; j <= n; j++) {
    for (let i = 0; i <= n; i++) {
      if (i < n) {
        const limit = eastWestLimits[j] as number;
        if (i === half && j === half) {
          builder.connect(at(i, j), accessNode, streetType(j), limit);
          builder.connect(accessNode, at(i + 1, j), streetType(j), limit);
        } else {
          builder.connect(at(i, j), at(i + 1, j), streetType(j), limit);
        }
      }
      if (j < n) builder.connect(at(i, j), at(i, j + 1), streetType(i), northSouthLimits[i] as number);
    }
  }
  builder.connect(depotNode, accessNode, 'residential', 30);

  addHighwayRing(builder, random, n, blockM, (i, j) => at(i, j));

  const destinations = grid.slice();
  return {
    projection: new LocalProjection(center),
    points: builder.points,
    edgesFrom: builder.edgesFrom,
    destinations,
    depotNode,
    depot: { center: depotCenter, radiusM: 0.3 * blockM },
  };
}

function addHighwayRing(
  builder: NetworkBuilder,
  random: SeededRandom,
  n: number,
  blockM: number,
  at: (i: number, j: number) => number,
): void {
  const radius = (n / 2) * blockM * Math.SQRT2 + 2 * blockM;
  const limit = random.pick(SPEED_LIMIT_CHOICES_KPH.highway);
  const ring: number[] = [];
  for (let k = 0; k < RING_VERTICES; k++) {
    const angle = ((k + 0.5) / RING_VERTICES) * 2 * Math.PI;
    ring.push(builder.addNode({ x: radius * Math.cos(angle), y: radius * Math.sin(angle) }));
  }
  ring.forEach((vertex, k) => {
    builder.connect(vertex, ring[(k + 1) % RING_VERTICES] as number, 'highway', limit);
  });

  // Ramps from where each arterial reaches the grid's edge to the nearest ring vertex.
  const gateways = new Set<number>();
  for (let line = 0; line <= n; line += ARTERIAL_EVERY) {
    gateways.add(at(line, 0)).add(at(line, n)).add(at(0, line)).add(at(n, line));
  }
  for (const gateway of gateways) {
    const from = builder.point(gateway);
    let nearest = ring[0] as number;
    for (const vertex of ring) {
      if (planarDistanceM(from, builder.point(vertex)) < planarDistanceM(from, builder.point(nearest))) nearest = vertex;
    }
    builder.connect(gateway, nearest, 'arterial', 70);
  }
}

export function edgeBetween(network: RoadNetwork, from: number, to: number): RoadEdge {
  const edge = network.edgesFrom[from]?.find((candidate) => candidate.to === to);
  if (!edge) throw new RangeError(`no road from node ${from} to node ${to}`);
  return edge;
}
