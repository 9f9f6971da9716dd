import type { Geofence, GeofenceShape, Position, TelemetryReading, Vehicle } from '@fleet/contracts';

/**
 * A deterministic synthetic fleet for the detector benchmark: a city-sized area, fences of the
 * shapes the registry allows, and vehicles driving random walks at 1 Hz. Seeded, so runs compare.
 */
export const CITY = { lon: 13.4, lat: 52.52, halfLonDeg: 0.15, halfLatDeg: 0.1 };
const M_PER_DEG_LAT = 111_195;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((CITY.lat * Math.PI) / 180);

/** mulberry32: tiny, fast, good enough to spread synthetic data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const vehicleIdOf = (i: number) => `veh-${String(i).padStart(5, '0')}`;

function irregularRing(random: () => number, lon: number, lat: number, radiusM: number, vertices: number): Position[] {
  const ring: Position[] = [];
  for (let v = 0; v < vertices; v++) {
    const angle = (2 * Math.PI * v) / vertices;
    const r = radiusM * (0.6 + 0.4 * random());
    ring.push([lon + (r * Math.cos(angle)) / M_PER_DEG_LON, lat + (r * Math.sin(angle)) / M_PER_DEG_LAT]);
  }
  const first = ring[0];
  if (first !== undefined) ring.push([first[0], first[1]]);
  return ring;
}

function randomShape(random: () => number, i: number): GeofenceShape {
  const lon = CITY.lon + (random() * 2 - 1) * CITY.halfLonDeg;
  const lat = CITY.lat + (random() * 2 - 1) * CITY.halfLatDeg;
  const radiusM = 200 + random() * 1300;
  if (i % 5 === 0 || i % 5 === 3) return { type: 'Circle', center: [lon, lat], radiusM };
  const vertices = 20 + Math.floor(random() * 31);
  const outer = irregularRing(random, lon, lat, radiusM, vertices);
  if (i % 10 === 1) return { type: 'Polygon', coordinates: [outer, irregularRing(random, lon, lat, radiusM * 0.3, 20)] };
  if (i % 10 === 2) {
    const second = irregularRing(random, lon + (2.5 * radiusM) / M_PER_DEG_LON, lat, radiusM * 0.7, vertices);
    return { type: 'MultiPolygon', coordinates: [[outer], [second]] };
  }
  return { type: 'Polygon', coordinates: [outer] };
}

/** 100 fences: 40% circles, polygons of 20–50 vertices (some with holes, some multi-part). */
export function syntheticGeofences(count: number, vehicleCount: number, seed = 7): Geofence[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const speedZoneOnly = i % 5 === 4;
    const limited = speedZoneOnly || random() < 0.3;
    const limits = [30, 50, 70, 80] as const;
    return {
      id: `gf-${i}`,
      name: `Geofence ${i}`,
      shape: randomShape(random, i),
      speedLimitKph: limited ? limits[Math.floor(random() * limits.length)] : undefined,
      vehicleIds: i % 10 === 9 ? Array.from({ length: 50 }, () => vehicleIdOf(Math.floor(random() * vehicleCount))) : 'all',
      alertOnExit: !speedZoneOnly,
      alertOnEnter: !speedZoneOnly,
    };
  });
}

export function syntheticVehicles(count: number, seed = 11): Vehicle[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: vehicleIdOf(i),
    ownerId: `owner-${i % 500}`,
    name: `Vehicle ${i}`,
    speedLimitKph: random() < 0.3 ? 90 + Math.floor(random() * 40) : undefined,
    thresholds: random() < 0.1 ? { harshBrakingMps2: 3, overspeedMinDurationMs: 3000 } : undefined,
  }));
}

interface Mover {
  lon: number;
  lat: number;
  headingRad: number;
  speedKph: number;
  ts: number;
  hasImu: boolean;
}

/** Vehicles on random walks; `nextRound` yields one reading per vehicle (~1 s of event time). */
export class SyntheticTraffic {
  private readonly movers: Mover[];
  private readonly random: () => number;

  constructor(
    private readonly vehicleCount: number,
    seed = 13,
  ) {
    this.random = seededRandom(seed);
    this.movers = Array.from({ length: vehicleCount }, (_, i) => ({
      lon: CITY.lon + (this.random() * 2 - 1) * CITY.halfLonDeg,
      lat: CITY.lat + (this.random() * 2 - 1) * CITY.halfLatDeg,
      headingRad: this.random() * 2 * Math.PI,
      speedKph: this.random() * 100,
      ts: 1_700_000_000_000 + i,
      hasImu: i % 2 === 0,
    }));
  }

  nextRound(into: TelemetryReading[]): void {
    const random = this.random;
    for (let i = 0; i < this.vehicleCount; i++) {
      const m = this.movers[i];
      if (m === undefined) continue;
      const dtMs = random() < 0.002 ? 70_000 : 900 + Math.floor(random() * 200);
      const previousSpeed = m.speedKph;
      // Mostly gentle, sometimes a hard brake or a burst, so every detector has work to do.
      const delta = random() < 0.03 ? (random() < 0.6 ? -25 : 15) : (random() - 0.5) * 8;
      m.speedKph = Math.min(150, Math.max(0, m.speedKph + delta));
      m.headingRad += (random() - 0.5) * 0.3;
      const distanceM = ((m.speedKph / 3.6) * dtMs) / 1000;
      m.lon += (distanceM * Math.cos(m.headingRad)) / M_PER_DEG_LON;
      m.lat += (distanceM * Math.sin(m.headingRad)) / M_PER_DEG_LAT;
      if (Math.abs(m.lon - CITY.lon) > CITY.halfLonDeg || Math.abs(m.lat - CITY.lat) > CITY.halfLatDeg) m.headingRad += Math.PI;
      m.ts += dtMs;
      into.push({
        vehicleId: vehicleIdOf(i),
        ts: m.ts,
        receivedAt: m.ts + 150,
        seq: null,
        lat: m.lat,
        lon: m.lon,
        speedKph: m.speedKph,
        headingDeg: null,
        gpsAccuracyM: 4,
        accelLongMps2: m.hasImu ? (m.speedKph - previousSpeed) / 3.6 / (dtMs / 1000) : null,
        rpm: null,
        engineLoadPct: null,
        throttlePct: null,
        fuelLevelPct: null,
        coolantTempC: null,
        batteryV: null,
        odometerKm: null,
        ignition: true,
        dtc: [],
      });
    }
  }
}
