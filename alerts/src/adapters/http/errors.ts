import type { Logger } from '@fleet/runtime';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ApiError } from '../../api-error';

/** JSON 404 for unknown routes under /api. */
export const unknownRoute: RequestHandler = (req) => {
  throw new ApiError(404, 'NO_SUCH_ROUTE', `no route for ${req.method} ${req.path}`);
};

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

/** Errors as `{ error: { code, message, issues? } }` with the status the error calls for. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof ApiError) {
      const body: Record<string, unknown> = { code: error.code, message: error.message };
      if (error.issues.length > 0) body.issues = error.issues;
      res.status(error.status).json({ error: body });
      return;
    }
    const parser = error as BodyParserError;
    if (parser.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'INVALID_JSON', message: `the body is not valid JSON: ${parser.message ?? ''}` } });
      return;
    }
    if (parser.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'BODY_TOO_LARGE', message: 'the body is too large' } });
      return;
    }
    if (typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
      res.status(parser.status).json({ error: { code: 'BAD_REQUEST', message: parser.message ?? 'bad request' } });
      return;
    }
    const retriable = (error as { retriable?: boolean }).retriable === true;
    log.error({ err: error, method: req.method, path: req.path }, 'request failed');
    res
      .status(retriable ? 503 : 500)
      .json({ error: { code: retriable ? 'UNAVAILABLE' : 'INTERNAL', message: retriable ? 'a dependency is unavailable; try again' : 'internal error' } });
  };
}
