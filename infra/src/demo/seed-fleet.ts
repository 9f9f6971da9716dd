import type { FleetGeography } from '@fleet/device-simulator';

export interface SeedResult {
  owners: { id: string; email: string; token?: string }[];
  vehicles: number;
  geofences: string[];
}

async function upsert(apiUrl: string, adminToken: string, collection: string, record: { id: string } & Record<string, unknown>): Promise<unknown> {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const created = await fetch(`${apiUrl}/api/${collection}`, { method: 'POST', headers, body: JSON.stringify(record) });
  if (created.status === 409) {
    const replaced = await fetch(`${apiUrl}/api/${collection}/${record.id}`, { method: 'PUT', headers, body: JSON.stringify(record) });
    if (!replaced.ok) throw new Error(`PUT /api/${collection}/${record.id}: ${replaced.status} ${await replaced.text()}`);
    return replaced.json();
  }
  if (!created.ok) throw new Error(`POST /api/${collection}: ${created.status} ${await created.text()}`);
  return created.json();
}

/** A small rectangle around a point, as a GeoJSON polygon ring ([lon, lat], closed). */
function rectangleAround(lat: number, lon: number, halfHeightDeg: number, halfWidthDeg: number): [number, number][] {
  return [
    [lon - halfWidthDeg, lat - halfHeightDeg],
    [lon + halfWidthDeg, lat - halfHeightDeg],
    [lon + halfWidthDeg, lat + halfHeightDeg],
    [lon - halfWidthDeg, lat + halfHeightDeg],
    [lon - halfWidthDeg, lat - halfHeightDeg],
  ];
}

/**
 * The demo fleet through the registry API: two owners sharing the vehicles, the depot the
 * simulator's vehicles start in (exit alerts) and a 30 km/h zone in the city centre.
 */
export async function seedDemoFleet(options: {
  apiUrl: string;
  adminToken: string;
  vehicleIds: readonly string[];
  geography: FleetGeography;
}): Promise<SeedResult> {
  const { apiUrl, adminToken, geography } = options;
  const owners = [
    { id: 'demo-alice', name: 'Alice Logistics', email: 'alice@fleet.example', timezone: 'Europe/Berlin' },
    { id: 'demo-bob', name: 'Bob Deliveries', email: 'bob@fleet.example', timezone: 'Europe/London' },
  ];
  const seededOwners: SeedResult['owners'] = [];
  for (const owner of owners) {
    const response = (await upsert(apiUrl, adminToken, 'owners', owner)) as { token?: string };
    seededOwners.push({ id: owner.id, email: owner.email, ...(response.token ? { token: response.token } : {}) });
  }
  await Promise.all(
    options.vehicleIds.map((vehicleId, index) =>
      upsert(apiUrl, adminToken, 'vehicles', {
        id: vehicleId,
        ownerId: owners[index % owners.length]?.id ?? 'demo-alice',
        name: `Van ${index + 1}`,
        plate: `B-FL ${1000 + index}`,
        speedLimitKph: 110,
      }),
    ),
  );
  const { center, depot } = geography;
  await upsert(apiUrl, adminToken, 'geofences', {
    id: 'demo-depot',
    name: 'Depot',
    shape: { type: 'Circle', center: [depot.center.lon, depot.center.lat], radiusM: depot.radiusM },
    vehicleIds: 'all',
  });
  await upsert(apiUrl, adminToken, 'geofences', {
    id: 'demo-school-zone',
    name: 'City centre 30 zone',
    shape: { type: 'Polygon', coordinates: [rectangleAround(center.lat, center.lon, 0.004, 0.006)] },
    speedLimitKph: 30,
    vehicleIds: 'all',
    alertOnEnter: false,
    alertOnExit: false,
  });
  return { owners: seededOwners, vehicles: options.vehicleIds.length, geofences: ['demo-depot', 'demo-school-zone'] };
}
