import { AppError } from '@fleet/runtime';

export interface IssueBody {
  /** Dotted path of the offending field, e.g. "shape.coordinates.0.1.1"; "" for the whole body. */
  path: string;
  message: string;
}

/** An error that maps onto an HTTP status; never retriable (the caller must change the request). */
export class ApiError extends AppError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly issues: IssueBody[] = [],
  ) {
    super(code, message, { retriable: false });
    this.name = 'ApiError';
  }
}

export const notFound = (what: string, id: string) => new ApiError(404, 'NOT_FOUND', `${what} "${id}" does not exist`);
export const conflict = (message: string) => new ApiError(409, 'CONFLICT', message);
export const forbidden = (message = 'this token may not access this resource') => new ApiError(403, 'FORBIDDEN', message);

export function validationError(issues: IssueBody[]): ApiError {
  const message = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
  return new ApiError(400, 'VALIDATION', message, issues);
}

export function toIssueBody(issue: { path: readonly PropertyKey[]; message: string }): IssueBody {
  return { path: issue.path.map(String).join('.'), message: issue.message };
}
