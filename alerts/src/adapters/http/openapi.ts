import { geofenceSchema, ownerSchema, vehicleSchema } from '@fleet/contracts';
import { z } from 'zod';
import { geofenceInputSchema, ownerInputSchema, vehicleInputSchema } from '../../domain/registry-input';
import { alertQuerySchema } from './alerts-routes';

type Json = Record<string, unknown>;

const schema = (type: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(type, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  return rest;
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (s: Json) => ({ 'application/json': { schema: s } });
const error = (description: string) => ({ description, content: json(ref('Error')) });

const ERRORS = {
  '400': error('Invalid request: the message and `issues` name each offending field'),
  '401': error('Missing or invalid bearer token'),
  '403': error('The token may not access this resource'),
  '429': error('Too many failed authentication attempts from this address'),
};

function crud(name: string, tag: string, plural: string): Json {
  const one = { description: name, content: json(ref(name)) };
  const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
  const body = (schemaName: string, description: string) => ({ required: true, description, content: json(ref(schemaName)) });
  return {
    [`/api/${plural}`]: {
      get: { tags: [tag], summary: `List ${plural} visible to the token`, responses: { '200': { description: 'list', content: json({ type: 'object', properties: { items: { type: 'array', items: ref(name) } } }) }, ...ERRORS } },
      post: { tags: [tag], summary: `Create a ${tag.toLowerCase()} (admin)`, requestBody: body(`${name}Input`, 'the new record'), responses: { '201': tag === 'Owners' ? { description: 'created; `token` is shown only this once', content: json(ref('OwnerCreated')) } : one, '409': error('the id exists'), ...ERRORS } },
    },
    [`/api/${plural}/{id}`]: {
      parameters: idParam,
      get: { tags: [tag], summary: `Read one ${tag.toLowerCase()}`, responses: { '200': one, '404': error('unknown id'), ...ERRORS } },
      put: { tags: [tag], summary: 'Replace (admin)', requestBody: body(`${name}Input`, 'the whole record'), responses: { '200': one, '404': error('unknown id'), ...ERRORS } },
      patch: { tags: [tag], summary: 'JSON merge patch (admin; null removes a field)', requestBody: { required: true, content: { 'application/merge-patch+json': { schema: { type: 'object' } }, 'application/json': { schema: { type: 'object' } } } }, responses: { '200': one, '404': error('unknown id'), ...ERRORS } },
      delete: { tags: [tag], summary: 'Delete (admin)', responses: { '204': { description: 'deleted' }, '404': error('unknown id'), '409': error('still referenced'), ...ERRORS } },
    },
  };
}

/** The OpenAPI 3.1 document of the API, generated from the same zod schemas that validate requests. */
export function openApiDocument(): Json {
  const querySchema = schema(alertQuerySchema, 'input') as { properties: Record<string, Json> };
  const alertParameters = Object.entries(querySchema.properties).map(([name, s]) => ({ name, in: 'query', required: false, schema: s }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fleet alerts and registry API',
      version: '1.0.0',
      description: 'Owners, vehicles and geofences (admin token manages; owner tokens read their own), and the alert history.',
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
      ...crud('Owner', 'Owners', 'owners'),
      '/api/owners/{id}/token': {
        post: {
          tags: ['Owners'],
          summary: 'Issue a new owner token (admin); the previous one stops working',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'the new token, shown once', content: json({ type: 'object', properties: { ownerId: { type: 'string' }, token: { type: 'string' } } }) }, '404': error('unknown owner'), ...ERRORS },
        },
      },
      ...crud('Vehicle', 'Vehicles', 'vehicles'),
      ...crud('Geofence', 'Geofences', 'geofences'),
      '/api/alerts': {
        get: {
          tags: ['Alerts'],
          summary: 'Alert history, newest first, scoped by the token; pass nextCursor as cursor for the next page',
          parameters: alertParameters,
          responses: { '200': { description: 'a page', content: json({ type: 'object', properties: { items: { type: 'array', items: ref('Alert') }, nextCursor: { type: ['string', 'null'] } } }) }, ...ERRORS },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN, or an owner token from POST /api/owners' } },
      schemas: {
        Owner: schema(ownerSchema, 'output'),
        OwnerInput: schema(ownerInputSchema, 'input'),
        OwnerCreated: { allOf: [ref('Owner'), { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] }] },
        Vehicle: schema(vehicleSchema, 'output'),
        VehicleInput: schema(vehicleInputSchema, 'input'),
        Geofence: schema(geofenceSchema, 'output'),
        GeofenceInput: schema(geofenceInputSchema, 'input'),
        Alert: {
          type: 'object',
          properties: {
            eventId: { type: 'string' },
            vehicleId: { type: 'string' },
            ownerId: { type: ['string', 'null'] },
            type: { type: 'string' },
            ts: { type: 'integer', description: 'event time, epoch ms' },
            time: { type: 'string', format: 'date-time' },
            notification: {
              type: 'object',
              properties: {
                status: { enum: ['pending', 'sent', 'suppressed', 'failed'] },
                reason: { type: ['string', 'null'] },
                recipient: { type: ['string', 'null'] },
                attempts: { type: 'integer' },
              },
            },
          },
        },
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
              },
              required: ['code', 'message'],
            },
          },
        },
      },
    },
  };
}
