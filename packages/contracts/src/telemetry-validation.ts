import type { z } from 'zod';
import type { DlqReason } from './dlq';
import { MAX_PAYLOAD_BYTES, type TelemetryReading, telemetryInputSchema, toTelemetryReading } from './telemetry';

/** Accepted device clock skew (DESIGN.md "MQTT input"). */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
export const MAX_PAST_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export type TelemetryValidation =
  | { ok: true; reading: TelemetryReading }
  | { ok: false; reason: DlqReason; error: string };

export interface TelemetryContext {
  /** The {vehicleId} of the MQTT topic, or null when the topic did not name one. */
  topicVehicleId: string | null;
  /** Bridge receive time (epoch ms): the reference for clock-skew checks. */
  receivedAt: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const RANGE_CODES = new Set(['too_small', 'too_big']);

function describeIssues(issues: readonly z.core.$ZodIssue[]): { reason: DlqReason; error: string } {
  const reason: DlqReason = issues.every((issue) => RANGE_CODES.has(issue.code)) ? 'RANGE' : 'SCHEMA';
  const error = issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(payload)'}: ${issue.message}`)
    .join('; ');
  return { reason, error };
}

function describeTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

function fail(reason: DlqReason, error: string): TelemetryValidation {
  return { ok: false, reason, error };
}

/**
 * Turns the raw bytes of an MQTT telemetry message into an accepted reading or a dead-letter
 * reason. Pure: the receive time comes in through the context.
 */
export function validateTelemetryPayload(payload: Uint8Array, context: TelemetryContext): TelemetryValidation {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) {
    return fail('TOO_LARGE', `payload is ${payload.byteLength} bytes; the limit is ${MAX_PAYLOAD_BYTES}`);
  }
  if (payload.byteLength === 0) return fail('PARSE', 'payload is empty');
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return fail('PARSE', 'payload is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail('PARSE', `payload is not JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail('SCHEMA', '(payload): must be a JSON object');
  }
  const parsed = telemetryInputSchema.safeParse(json);
  if (!parsed.success) {
    const { reason, error } = describeIssues(parsed.error.issues);
    return fail(reason, error);
  }
  const input = parsed.data;
  if (input.vehicleId !== context.topicVehicleId) {
    return fail(
      'TOPIC_MISMATCH',
      `vehicleId: "${input.vehicleId}" does not match the topic's vehicle "${context.topicVehicleId ?? '(none)'}"`,
    );
  }
  const skew = input.ts - context.receivedAt;
  if (skew > MAX_FUTURE_SKEW_MS || -skew > MAX_PAST_AGE_MS) {
    return fail(
      'CLOCK_SKEW',
      `ts: ${describeTime(input.ts)} is ${Math.round(skew / 1000)} s from the receive time; ` +
        'allowed: 5 minutes ahead to 7 days behind (is it in seconds instead of milliseconds?)',
    );
  }
  return { ok: true, reading: toTelemetryReading(input, context.receivedAt) };
}
