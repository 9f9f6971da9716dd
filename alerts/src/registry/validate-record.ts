import type { Geofence, Owner, Vehicle } from '@fleet/contracts';
import { type IssueBody, toIssueBody, validationError } from '../api-error';
import { explainCoordinateIssue, geofenceShapeIssues } from '../domain/geofence-validation';
import { type Collection, INPUT_SCHEMAS, RECORD_SCHEMAS } from '../domain/registry-input';

type RecordOf = { owners: Owner; vehicles: Vehicle; geofences: Geofence };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Validates a request body into the stored record of a collection (throws a 400 ApiError naming
 * every offending field). `id` is the id from the path (PUT/PATCH) or a generated one (POST).
 */
export function validateRecord<C extends Collection>(collection: C, body: unknown, id: string | undefined): RecordOf[C] {
  if (!isObject(body)) throw validationError([{ path: '', message: 'the body must be a JSON object' }]);
  if (id !== undefined && body.id !== undefined && body.id !== id) {
    throw validationError([{ path: 'id', message: `must match the id in the path ("${id}") or be left out` }]);
  }
  const candidate = id === undefined || body.id !== undefined ? body : { ...body, id };
  const input = INPUT_SCHEMAS[collection].safeParse(candidate);
  if (!input.success) {
    const issues: IssueBody[] = input.error.issues.map((issue) =>
      toIssueBody(
        collection === 'geofences'
          ? explainCoordinateIssue(candidate, {
              path: issue.path.filter((key): key is string | number => typeof key !== 'symbol'),
              message: issue.message,
              code: issue.code,
            })
          : issue,
      ),
    );
    throw validationError(issues);
  }
  // The contract schema has the last word: it fills the defaults the stream processors rely on.
  const record = RECORD_SCHEMAS[collection].parse(input.data) as RecordOf[C];
  if (collection === 'geofences') {
    const shapeIssues = geofenceShapeIssues((record as Geofence).shape);
    if (shapeIssues.length > 0) throw validationError(shapeIssues.map(toIssueBody));
  }
  return record;
}
