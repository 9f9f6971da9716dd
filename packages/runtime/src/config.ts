import { z } from 'zod';
import { AppError } from './app-error';

export type Env = Record<string, string | undefined>;

const SECRET_NAME = /TOKEN|PASSWORD|SECRET|KEY/i;

/**
 * Validates a service's environment against a zod schema whose keys are the variable names.
 * On failure the error lists every variable with what is wrong and the value it got.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env, service: string): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const variable = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
    const got = variable === undefined ? undefined : env[variable];
    // Never echo a secret into logs: say that it was set, not what it is.
    const shown = variable !== undefined && SECRET_NAME.test(variable) ? '(a value, not shown)' : `"${got}"`;
    return `  - ${name}: ${issue.message}${got === undefined ? '' : ` (got ${shown})`}`;
  });
  throw new AppError('CONFIG_INVALID', `${service}: invalid configuration:\n${lines.join('\n')}`, {
    retriable: false,
  });
}

/** Environment-variable field helpers: strings in, typed values out, with readable messages. */
export const envVar = {
  string: (fallback: string) => z.string().min(1).default(fallback),
  int: (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(fallback),
  number: (fallback: number, min = -Number.MAX_VALUE, max = Number.MAX_VALUE) =>
    z.coerce
      .number({ error: 'must be a number' })
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(fallback),
  port: (fallback: number) =>
    z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a port number')
      .min(0, 'must be a port number 0-65535')
      .max(65535, 'must be a port number 0-65535')
      .default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
      .transform((value) => value === 'true' || value === '1' || value === 'yes')
      .default(fallback),
  list: (fallback: string[]) =>
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
      )
      .pipe(z.array(z.string()).min(1, 'must list at least one value, comma-separated'))
      .default(fallback),
  url: (fallback: string) => z.url({ error: 'must be a URL like http://127.0.0.1:8080' }).default(fallback),
  optionalSecret: () => z.string().min(16, 'must be at least 16 characters').optional(),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};
