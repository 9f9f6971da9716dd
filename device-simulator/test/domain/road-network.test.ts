import { describe, expect, it } from 'vitest';
import { planarDistanceM, type Point } from '../../src/domain/geo';
import { buildRoadNetwork, edgeBetween, SPEED_LIMIT_CHOICES_KPH } from '../../src/domain/road-network';
import { RoutePlanner } from '../../src/domain/route-planner';

const network = buildRoadNetwork({ lat: 40.4168, lon: -3.7038 }, 5);
const planner = new RoutePlanner(network);
const edges = network.edgesFrom.flat();

/** Shortest distance from `point` to the segment a–b. */
function distanceToSegment(point: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const t = Math.max(0, Math.min(1, ((point.x - a.x) * dx + (point.y - a.y) * dy) / (dx * dx + dy * dy)));
  return planarDistanceM(point, { x: a.x + t * dx, y: a.y + t * dy });
}

describe('road network', () => {
  it('has residential streets, arterials and a highway ring, each within its speed limits', () => {
    for (const type of ['residential', 'arterial', 'highway'] as const) {
      const ofType = edges.filter((edge) => edge.type === type);
      expect(ofType.length).toBeGreaterThan(0);
      for (const edge of ofType) {
        const [min, max] = [Math.min(...SPEED_LIMIT_CHOICES_KPH[type]), Math.max(...SPEED_LIMIT_CHOICES_KPH[type])];
        // The depot's access road is a 30 km/h residential road; ramps are 70 km/h arterials.
        expect(edge.limitKph).toBeGreaterThanOrEqual(Math.min(min, 30));
        expect(edge.limitKph).toBeLessThanOrEqual(max);
      }
    }
  });

  it('routes between any two destinations along existing roads', () => {
    for (const from of network.destinations.slice(0, 20)) {
      for (const to of network.destinations.slice(-20)) {
        const route = planner.route(from, to);
        expect(route[0]).toBe(from);
        expect(route.at(-1)).toBe(to);
        for (let k = 0; k + 1 < route.length; k++) expect(() => edgeBetween(network, route[k] as number, route[k + 1] as number)).not.toThrow();
      }
    }
  });

  it('keeps through traffic out of the depot: only its access road enters the circle', () => {
    const { center, radiusM } = network.depot;
    const intruding = edges.filter((edge) => {
      const a = network.points[edge.from] as Point;
      const b = network.points[edge.to] as Point;
      return distanceToSegment(center, a, b) <= radiusM;
    });
    expect(intruding.every((edge) => edge.from === network.depotNode || edge.to === network.depotNode)).toBe(true);
    expect(network.destinations).not.toContain(network.depotNode);
  });

  it('is the same for the same seed', () => {
    expect(buildRoadNetwork({ lat: 40.4168, lon: -3.7038 }, 5).points).toEqual(network.points);
  });
});
