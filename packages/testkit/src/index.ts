import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InfraEndpoints } from '@fleet/infra';
import { inject } from 'vitest';
import './provided-context';

export type { InfraEndpoints } from '@fleet/infra';

/**
 * The infrastructure endpoints provided by the testkit globalSetup (call inside a test file of a
 * project whose vitest config has `globalSetup: ['@fleet/testkit/global-setup']`).
 */
export function getInfra(): InfraEndpoints {
  const infra = inject('infra');
  if (infra === undefined) {
    throw new Error(
      "no infra endpoints were provided: add globalSetup: ['@fleet/testkit/global-setup'] to this project's vitest config",
    );
  }
  return infra;
}

/**
 * A name unique to this call, safe as a Kafka topic, consumer group, subject or measurement:
 * `<prefix>-<time36>-<random>`, characters outside [A-Za-z0-9._-] replaced by '-'.
 */
export function uniqueName(prefix: string): string {
  const safe = prefix.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 200) || 'test';
  return `${safe}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export interface WaitForOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 100 ms). */
  intervalMs?: number;
  /** Added to the timeout error. */
  message?: string;
}

/**
 * Calls `fn` until it returns something other than undefined, null or false without throwing,
 * and resolves with that value. On timeout, rejects with the last error thrown (if any).
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Exclude<T, undefined | null | false>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value as Exclude<T, undefined | null | false>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = options.message ? `: ${options.message}` : '';
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`waitFor timed out after ${timeoutMs} ms${what}${cause}`, { cause: lastError });
    }
    await sleep(options.intervalMs ?? 100);
  }
}

export { influxQl } from './influxql';
export { type MailDetail, type MailSummary, mailDetail, mailsTo } from './mailbox';
