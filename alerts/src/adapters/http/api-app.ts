import type { Logger } from '@fleet/runtime';
import express, { type Express } from 'express';
import type { NotificationRecord } from '../../notifications/notification-record';
import type { RegistryService } from '../../registry/registry-service';
import type { RegistryTables } from '../../registry/registry-tables';
import { alertsRoutes } from './alerts-routes';
import { type AuthOptions, authenticate, failedAuthLimiter } from './auth';
import { errorHandler, unknownRoute } from './errors';
import { openApiDocument } from './openapi';
import { registryRoutes } from './registry-routes';

export interface ApiAppOptions extends Omit<AuthOptions, 'tables'> {
  tables: RegistryTables;
  service: RegistryService;
  records: { values(): Iterable<NotificationRecord> };
  log: Logger;
}

/** The HTTP API under /api: every route needs a bearer token (the OpenAPI document too). */
export function createApiApp(options: ApiAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const document = openApiDocument();
  const api = express.Router();
  api.use(failedAuthLimiter(options));
  api.use(authenticate(options));
  api.use(express.json({ limit: '2mb', type: ['application/json', 'application/merge-patch+json'] }));
  api.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  api.use(registryRoutes(options.service, options.tables));
  api.use(alertsRoutes(options.records, options.tables));
  api.use(unknownRoute);
  app.use('/api', api);
  app.use(errorHandler(options.log));
  return app;
}
