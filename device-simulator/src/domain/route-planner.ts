import type { RoadNetwork } from './road-network';

/** Roughly the time an intersection costs, so routes prefer few long roads to many short ones. */
const INTERSECTION_PENALTY_S = 4;

/**
 * Fastest routes between any two nodes, from a next-hop table computed once per network (Dijkstra
 * from every node; a few hundred nodes, so a few milliseconds) and shared by every vehicle.
 */
export class RoutePlanner {
  private readonly nodeCount: number;
  /** nextHop[target * nodeCount + node] = the neighbour of `node` on the fastest way to `target`. */
  private readonly nextHop: Int32Array;

  constructor(private readonly network: RoadNetwork) {
    this.nodeCount = network.points.length;
    this.nextHop = new Int32Array(this.nodeCount * this.nodeCount).fill(-1);
    for (let target = 0; target < this.nodeCount; target++) this.fillTowards(target);
  }

  /** Node ids from `from` to `to`, both included. */
  route(from: number, to: number): number[] {
    const nodes = [from];
    let current = from;
    while (current !== to) {
      const hop = this.nextHop[to * this.nodeCount + current] ?? -1;
      if (hop < 0) throw new RangeError(`node ${to} is unreachable from node ${from}`);
      nodes.push(hop);
      current = hop;
    }
    return nodes;
  }

  /** Plain O(V²) Dijkstra from the target outwards; roads are two-way so parents are next hops. */
  private fillTowards(target: number): void {
    const cost = new Float64Array(this.nodeCount).fill(Number.POSITIVE_INFINITY);
    const done = new Uint8Array(this.nodeCount);
    const row = target * this.nodeCount;
    cost[target] = 0;
    for (;;) {
      let node = -1;
      for (let candidate = 0; candidate < this.nodeCount; candidate++) {
        if (!done[candidate] && (node < 0 || (cost[candidate] as number) < (cost[node] as number))) node = candidate;
      }
      if (node < 0 || cost[node] === Number.POSITIVE_INFINITY) return;
      done[node] = 1;
      for (const edge of this.network.edgesFrom[node] ?? []) {
        const through = (cost[node] as number) + edge.lengthM / (edge.limitKph / 3.6) + INTERSECTION_PENALTY_S;
        if (through < (cost[edge.to] as number)) {
          cost[edge.to] = through;
          this.nextHop[row + edge.to] = node;
        }
      }
    }
  }
}
