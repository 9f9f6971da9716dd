import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getInfra, type RunningAlerts, startAlerts, testEnv } from '../../support/harness';

let alerts: RunningAlerts;
let aliceToken: string;
let bobToken: string;

const square = [[[13.0, 52.0], [13.1, 52.0], [13.1, 52.1], [13.0, 52.1], [13.0, 52.0]]];

beforeAll(async () => {
  alerts = await startAlerts(testEnv(getInfra(), 'alerts-api'));
  const alice = await alerts.api('POST', '/api/owners', { body: { id: 'alice', name: 'Alice', email: 'alice@example.com', timezone: 'Europe/Berlin' } });
  const bob = await alerts.api('POST', '/api/owners', { body: { id: 'bob', name: 'Bob', email: 'bob@example.com' } });
  aliceToken = alice.body.token;
  bobToken = bob.body.token;
  await alerts.api('POST', '/api/vehicles', { body: { id: 'a1', ownerId: 'alice', name: 'Van', plate: 'B-A 1', speedLimitKph: 90 } });
  await alerts.api('POST', '/api/vehicles', { body: { id: 'b1', ownerId: 'bob', name: 'Truck' } });
});

afterAll(async () => {
  await alerts?.stop();
});

describe('owners', () => {
  it('creates with defaults, returns the token once, reads, patches, replaces and deletes', async () => {
    const created = await alerts.api('POST', '/api/owners', { body: { name: 'Carol', email: 'carol@example.com' } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^own-[A-Za-z0-9]+\.[A-Za-z0-9_-]{43}$/);
    const id: string = created.body.id;
    expect(created.body).toMatchObject({ timezone: 'UTC', preferences: { notify: ['OVERSPEED', 'HARSH_BRAKING', 'HARSH_ACCELERATION', 'GEOFENCE_EXIT'] } });

    const read = await alerts.api('GET', `/api/owners/${id}`);
    expect(read.body).not.toHaveProperty('token');
    expect(read.body.email).toBe('carol@example.com');

    const patched = await alerts.api('PATCH', `/api/owners/${id}`, { body: { preferences: { cooldownMs: 60_000 }, timezone: 'America/New_York' } });
    expect(patched.status).toBe(200);
    expect(patched.body.preferences).toMatchObject({ cooldownMs: 60_000, notify: expect.arrayContaining(['OVERSPEED']) });
    expect(patched.body.timezone).toBe('America/New_York');

    const replaced = await alerts.api('PUT', `/api/owners/${id}`, { body: { name: 'Carol C', email: 'cc@example.com' } });
    expect(replaced.body).toMatchObject({ id, name: 'Carol C', timezone: 'UTC' });

    expect((await alerts.api('DELETE', `/api/owners/${id}`)).status).toBe(204);
    expect((await alerts.api('GET', `/api/owners/${id}`)).status).toBe(404);
    // The deleted owner's token no longer authenticates.
    expect((await alerts.api('GET', '/api/vehicles', { token: created.body.token })).status).toBe(401);
  });

  it('409 for a duplicate id and for deleting an owner that still has vehicles', async () => {
    const duplicate = await alerts.api('POST', '/api/owners', { body: { id: 'alice', name: 'X', email: 'x@example.com' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('CONFLICT');
    const busy = await alerts.api('DELETE', '/api/owners/alice');
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toContain('a1');
  });

  it('400 names each invalid field', async () => {
    const response = await alerts.api('POST', '/api/owners', {
      body: { name: '', email: 'not-an-email', timezone: 'Mars/Olympus', preferences: { notify: ['SPEEDING'] }, colour: 'red' },
    });
    expect(response.status).toBe(400);
    const paths = response.body.error.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'email', 'timezone', 'preferences.notify.0', '']));
    expect(response.body.error.message).toContain('timezone: must be an IANA time zone');
    expect(response.body.error.message).toContain('colour');
  });

  it('rotating a token invalidates the old one', async () => {
    const created = await alerts.api('POST', '/api/owners', { body: { name: 'Dan', email: 'dan@example.com' } });
    const rotated = await alerts.api('POST', `/api/owners/${created.body.id}/token`);
    expect(rotated.status).toBe(200);
    expect((await alerts.api('GET', `/api/owners/${created.body.id}`, { token: created.body.token })).status).toBe(401);
    expect((await alerts.api('GET', `/api/owners/${created.body.id}`, { token: rotated.body.token })).status).toBe(200);
  });
});

describe('vehicles', () => {
  it('round-trips create, read, patch (null removes a field), replace and delete', async () => {
    const created = await alerts.api('POST', '/api/vehicles', { body: { id: 'a2', ownerId: 'alice', name: 'Car', plate: 'B-A 2', speedLimitKph: 80, thresholds: { harshBrakingMps2: 4 } } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'a2', ownerId: 'alice', name: 'Car', plate: 'B-A 2', speedLimitKph: 80, thresholds: { harshBrakingMps2: 4 } });
    const patched = await alerts.api('PATCH', '/api/vehicles/a2', { body: { plate: null, speedLimitKph: 70 } });
    expect(patched.body).toEqual({ id: 'a2', ownerId: 'alice', name: 'Car', speedLimitKph: 70, thresholds: { harshBrakingMps2: 4 } });
    const replaced = await alerts.api('PUT', '/api/vehicles/a2', { body: { ownerId: 'alice', name: 'Car 2' } });
    expect(replaced.body).toEqual({ id: 'a2', ownerId: 'alice', name: 'Car 2' });
    expect((await alerts.api('GET', '/api/vehicles/a2')).body.name).toBe('Car 2');
    expect((await alerts.api('DELETE', '/api/vehicles/a2')).status).toBe(204);
    expect((await alerts.api('GET', '/api/vehicles/a2')).status).toBe(404);
    expect((await alerts.api('DELETE', '/api/vehicles/a2')).status).toBe(404);
  });

  it('rejects an unknown owner, a bad id, an id differing from the path, and invalid JSON', async () => {
    const unknownOwner = await alerts.api('POST', '/api/vehicles', { body: { id: 'x1', ownerId: 'nobody', name: 'X' } });
    expect(unknownOwner.status).toBe(400);
    expect(unknownOwner.body.error.issues[0].path).toBe('ownerId');
    const badId = await alerts.api('POST', '/api/vehicles', { body: { id: 'has space', ownerId: 'alice', name: 'X', speedLimitKph: 900 } });
    expect(badId.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['id', 'speedLimitKph']);
    const mismatch = await alerts.api('PUT', '/api/vehicles/a1', { body: { id: 'other', ownerId: 'alice', name: 'Van' } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.issues[0].path).toBe('id');
    const broken = await alerts.api('POST', '/api/vehicles', { raw: '{"id": ' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_JSON');
    expect((await alerts.api('PATCH', '/api/vehicles/nope', { body: { name: 'n' } })).status).toBe(404);
  });

  it('409 when deleting a vehicle a geofence still lists', async () => {
    await alerts.api('POST', '/api/vehicles', { body: { id: 'a3', ownerId: 'alice', name: 'Bike' } });
    await alerts.api('POST', '/api/geofences', { body: { id: 'g-a3', name: 'Yard', shape: { type: 'Circle', center: [13.4, 52.5], radiusM: 200 }, vehicleIds: ['a3'] } });
    expect((await alerts.api('DELETE', '/api/vehicles/a3')).status).toBe(409);
  });
});

describe('geofences', () => {
  it('round-trips a polygon with defaults', async () => {
    const created = await alerts.api('POST', '/api/geofences', { body: { name: 'Depot', shape: { type: 'Polygon', coordinates: square }, speedLimitKph: 30 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Depot', vehicleIds: 'all', alertOnExit: true, alertOnEnter: true, speedLimitKph: 30 });
    const id = created.body.id;
    const patched = await alerts.api('PATCH', `/api/geofences/${id}`, { body: { vehicleIds: ['a1'], alertOnEnter: false } });
    expect(patched.body).toMatchObject({ vehicleIds: ['a1'], alertOnEnter: false, shape: { type: 'Polygon' } });
    expect((await alerts.api('DELETE', `/api/geofences/${id}`)).status).toBe(204);
  });

  it('rejects an unclosed ring, a self-intersection, swapped lat/lon and unknown vehicles clearly', async () => {
    const unclosed = await alerts.api('POST', '/api/geofences', {
      body: { name: 'Open', shape: { type: 'Polygon', coordinates: [[[13.0, 52.0], [13.1, 52.0], [13.1, 52.1], [13.0, 52.1]]] } },
    });
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.error.issues).toEqual([{ path: 'shape.coordinates.0', message: 'a linear ring must be closed (first position equal to the last)' }]);

    const bowTie = await alerts.api('POST', '/api/geofences', {
      body: { name: 'Bow', shape: { type: 'Polygon', coordinates: [[[13.0, 52.0], [13.1, 52.1], [13.1, 52.0], [13.0, 52.1], [13.0, 52.0]]] } },
    });
    expect(bowTie.status).toBe(400);
    expect(bowTie.body.error.issues[0].path).toBe('shape.coordinates');
    expect(bowTie.body.error.message).toContain('intersects itself at [13.05, 52.05]');

    const swapped = await alerts.api('POST', '/api/geofences', {
      body: { name: 'Swapped', shape: { type: 'Polygon', coordinates: [[[52.0, 113.0], [52.0, 113.1], [52.1, 113.1], [52.0, 113.0]]] } },
    });
    expect(swapped.status).toBe(400);
    expect(swapped.body.error.issues[0]).toEqual({
      path: 'shape.coordinates.0.0.1',
      message: 'latitude 113 in position [52,113] is outside [-90, 90]; GeoJSON positions are [longitude, latitude] — are latitude and longitude swapped?',
    });

    const circle = await alerts.api('POST', '/api/geofences', { body: { name: 'C', shape: { type: 'Circle', center: [13.4, 95], radiusM: 0 } } });
    expect(circle.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['shape.center.1', 'shape.radiusM']);

    const triangle = await alerts.api('POST', '/api/geofences', { body: { name: 'T', shape: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] } } });
    expect(triangle.body.error.message).toContain('at least 4 positions');

    const unknownVehicle = await alerts.api('POST', '/api/geofences', { body: { name: 'U', shape: { type: 'Polygon', coordinates: square }, vehicleIds: ['a1', 'ghost'] } });
    expect(unknownVehicle.body.error.issues).toEqual([{ path: 'vehicleIds.1', message: 'no vehicle with id "ghost"' }]);

    const unknownType = await alerts.api('POST', '/api/geofences', { body: { name: 'L', shape: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } } });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error.issues[0].path).toBe('shape.type');
  });
});

describe('auth matrix', () => {
  it('no token → 401, wrong token → 401, owner token on writes → 403', async () => {
    expect((await alerts.api('GET', '/api/vehicles', { token: null })).status).toBe(401);
    expect((await alerts.api('GET', '/api/openapi.json', { token: null })).status).toBe(401);
    expect((await alerts.api('GET', '/api/vehicles', { token: 'x'.repeat(40) })).status).toBe(401);
    expect((await alerts.api('GET', '/api/vehicles', { token: `alice.${'A'.repeat(43)}` })).status).toBe(401);
    expect((await alerts.api('POST', '/api/vehicles', { token: aliceToken, body: { id: 'z', ownerId: 'alice', name: 'Z' } })).status).toBe(403);
    expect((await alerts.api('DELETE', '/api/vehicles/a1', { token: aliceToken })).status).toBe(403);
    expect((await alerts.api('POST', '/api/owners', { token: aliceToken, body: {} })).status).toBe(403);
  });

  it('owners read only their own vehicles, owner record, geofences and alerts', async () => {
    const list = await alerts.api('GET', '/api/vehicles', { token: aliceToken });
    expect(list.body.items.map((v: { id: string }) => v.id)).not.toContain('b1');
    expect(list.body.items.map((v: { id: string }) => v.id)).toContain('a1');
    expect((await alerts.api('GET', '/api/vehicles/a1', { token: aliceToken })).status).toBe(200);
    expect((await alerts.api('GET', '/api/vehicles/b1', { token: aliceToken })).status).toBe(403);
    expect((await alerts.api('GET', '/api/vehicles/b1', { token: bobToken })).status).toBe(200);
    expect((await alerts.api('GET', '/api/owners/bob', { token: aliceToken })).status).toBe(403);
    expect((await alerts.api('GET', '/api/owners', { token: aliceToken })).body.items.map((o: { id: string }) => o.id)).toEqual(['alice']);
    expect((await alerts.api('GET', '/api/alerts?vehicleId=b1', { token: aliceToken })).status).toBe(403);
    expect((await alerts.api('GET', '/api/alerts', { token: aliceToken })).status).toBe(200);

    await alerts.api('POST', '/api/geofences', { body: { id: 'g-bob', name: 'Bob yard', shape: { type: 'Polygon', coordinates: square }, vehicleIds: ['b1'] } });
    await alerts.api('POST', '/api/geofences', { body: { id: 'g-both', name: 'Shared', shape: { type: 'Polygon', coordinates: square }, vehicleIds: ['a1', 'b1'] } });
    expect((await alerts.api('GET', '/api/geofences/g-bob', { token: aliceToken })).status).toBe(403);
    const shared = await alerts.api('GET', '/api/geofences/g-both', { token: aliceToken });
    expect(shared.body.vehicleIds).toEqual(['a1']);
    const fences = await alerts.api('GET', '/api/geofences', { token: aliceToken });
    expect(fences.body.items.map((g: { id: string }) => g.id)).toEqual(expect.arrayContaining(['g-both']));
    expect(fences.body.items.map((g: { id: string }) => g.id)).not.toContain('g-bob');
  });

  it('admin reads everything; unknown routes are JSON 404s', async () => {
    expect((await alerts.api('GET', '/api/vehicles/b1')).status).toBe(200);
    expect((await alerts.api('GET', '/api/owners')).body.items.length).toBeGreaterThanOrEqual(2);
    const missing = await alerts.api('GET', '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NO_SUCH_ROUTE');
  });

  it('validates alert query parameters', async () => {
    const bad = await alerts.api('GET', '/api/alerts?limit=0&type=NOPE&from=yesterday&cursor=zz');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['limit', 'type', 'from']));
  });

  it('serves an OpenAPI 3.1 document generated from the schemas', async () => {
    const doc = await alerts.api('GET', '/api/openapi.json', { token: aliceToken });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/owners', '/api/vehicles/{id}', '/api/geofences', '/api/alerts']));
    expect(doc.body.components.schemas.GeofenceInput.properties.shape).toBeDefined();
  });
});
