import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ApiError } from '../../api-error';
import type { Principal } from '../../domain/authorization';
import type { RegistryTables } from '../../registry/registry-tables';
import { claimedOwnerId, tokenMatches } from '../tokens';

export interface AuthOptions {
  tables: RegistryTables;
  isAdminToken: (token: string) => boolean;
  /** Failed attempts (401) allowed per client IP and window before every request from it gets 429. */
  failureLimit: number;
  failureWindowMs: number;
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', 'a bearer token is required');
  return principal;
}

function bearer(req: Request): string | null {
  const header = req.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** Resolves the bearer token to the admin or an owner; anything else is a 401. */
export function authenticate(options: AuthOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = bearer(req);
    if (token === null) {
      res.set('WWW-Authenticate', 'Bearer realm="fleet"');
      throw new ApiError(401, 'UNAUTHENTICATED', 'a bearer token is required (Authorization: Bearer <token>)');
    }
    if (options.isAdminToken(token)) {
      res.locals.principal = { kind: 'admin' } satisfies Principal;
      return next();
    }
    const ownerId = claimedOwnerId(token);
    const stored = ownerId === null ? undefined : options.tables.ownerTokens.get(ownerId);
    if (ownerId !== null && stored && tokenMatches(token, stored.tokenHash) && options.tables.owners.has(ownerId)) {
      res.locals.principal = { kind: 'owner', ownerId } satisfies Principal;
      return next();
    }
    res.set('WWW-Authenticate', 'Bearer realm="fleet", error="invalid_token"');
    throw new ApiError(401, 'UNAUTHENTICATED', 'the bearer token is not valid');
  };
}

/** Counts only failed authentications (401) per client IP; over the limit every request gets 429. */
export function failedAuthLimiter(options: Pick<AuthOptions, 'failureLimit' | 'failureWindowMs'>): RequestHandler {
  return rateLimit({
    windowMs: options.failureWindowMs,
    limit: options.failureLimit,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({ error: { code: 'TOO_MANY_FAILED_ATTEMPTS', message: 'too many failed authentication attempts; try again later' } });
    },
  });
}
