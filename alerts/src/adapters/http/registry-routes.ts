import type { Geofence } from '@fleet/contracts';
import { type Request, type Response, Router } from 'express';
import { forbidden } from '../../api-error';
import {
  canManageRegistry,
  canReadGeofence,
  canReadOwner,
  canReadVehicle,
  geofenceViewFor,
  type Principal,
} from '../../domain/authorization';
import type { Collection } from '../../domain/registry-input';
import type { RegistryService } from '../../registry/registry-service';
import type { RegistryTables } from '../../registry/registry-tables';
import { principalOf } from './auth';

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function requireAdmin(res: Response): Principal {
  const principal = principalOf(res);
  if (canManageRegistry(principal) !== 'allow') throw forbidden('only the admin token may change the registry');
  return principal;
}

const idParam = (req: Request) => String(req.params.id);

/** CRUD routes for owners, vehicles and geofences, scoped by the caller's token. */
export function registryRoutes(service: RegistryService, tables: RegistryTables): Router {
  const router = Router();

  const ownVehicles = (principal: Principal) =>
    new Set(principal.kind === 'owner' ? tables.vehiclesOf(principal.ownerId) : []);

  const geofenceView = (principal: Principal, geofence: Geofence) => {
    const own = ownVehicles(principal);
    if (canReadGeofence(principal, geofence, own) !== 'allow') return null;
    return geofenceViewFor(principal, geofence, own);
  };

  /** Write routes shared by the three collections (admin only). */
  function writeRoutes(collection: Collection): void {
    router.post(`/${collection}`, async (req, res) => {
      requireAdmin(res);
      const { record, token } = await service.create(collection, req.body);
      res.status(201).location(`/api/${collection}/${encodeURIComponent(record.id)}`).json(token ? { ...record, token } : record);
    });
    router.put(`/${collection}/:id`, async (req, res) => {
      requireAdmin(res);
      res.json(await service.replace(collection, idParam(req), req.body));
    });
    router.patch(`/${collection}/:id`, async (req, res) => {
      requireAdmin(res);
      res.json(await service.patch(collection, idParam(req), req.body));
    });
    router.delete(`/${collection}/:id`, async (req, res) => {
      requireAdmin(res);
      await service.delete(collection, idParam(req));
      res.status(204).end();
    });
  }

  router.get('/owners', (_req, res) => {
    const principal = principalOf(res);
    const owners = [...tables.owners.values()].filter((owner) => canReadOwner(principal, owner.id) === 'allow');
    res.json({ items: owners.sort(byId) });
  });
  router.get('/owners/:id', (req, res) => {
    const owner = service.get('owners', idParam(req));
    if (canReadOwner(principalOf(res), owner.id) !== 'allow') throw forbidden();
    res.json(owner);
  });
  router.post('/owners/:id/token', async (req, res) => {
    requireAdmin(res);
    res.json({ ownerId: idParam(req), token: await service.rotateToken(idParam(req)) });
  });
  writeRoutes('owners');

  router.get('/vehicles', (req, res) => {
    const principal = principalOf(res);
    const ownerId = typeof req.query.ownerId === 'string' ? req.query.ownerId : undefined;
    const vehicles = [...tables.vehicles.values()].filter(
      (vehicle) => canReadVehicle(principal, vehicle) === 'allow' && (ownerId === undefined || vehicle.ownerId === ownerId),
    );
    res.json({ items: vehicles.sort(byId) });
  });
  router.get('/vehicles/:id', (req, res) => {
    const vehicle = service.get('vehicles', idParam(req));
    if (canReadVehicle(principalOf(res), vehicle) !== 'allow') throw forbidden();
    res.json(vehicle);
  });
  writeRoutes('vehicles');

  router.get('/geofences', (_req, res) => {
    const principal = principalOf(res);
    const items = [...tables.geofences.values()].flatMap((geofence) => geofenceView(principal, geofence) ?? []);
    res.json({ items: items.sort(byId) });
  });
  router.get('/geofences/:id', (req, res) => {
    const view = geofenceView(principalOf(res), service.get('geofences', idParam(req)));
    if (view === null) throw forbidden();
    res.json(view);
  });
  writeRoutes('geofences');

  return router;
}
