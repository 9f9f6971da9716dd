import { telemetryInputSchema, vehicleIdSchema } from '@fleet/contracts';
import { z } from 'zod';
import { formatIssuePath, SimulatorError } from '../errors';
import type { DeviceReading } from './reading';

/**
 * One scripted reading: the DESIGN.md fields except `vehicleId` and `ts`, which come from the
 * vehicle and from `offsetMs` after the scenario's start. Strict, so a typo such as `speedKmh` is an
 * error rather than a silently missing field.
 */
const scriptedReadingSchema = z.strictObject({
  ...telemetryInputSchema.omit({ vehicleId: true, ts: true }).shape,
  offsetMs: z.number().int().nonnegative(),
});

const scriptedVehicleSchema = z.strictObject({
  vehicleId: vehicleIdSchema,
  readings: z.array(scriptedReadingSchema).min(1, 'needs at least one reading'),
});

export const scenarioSchema = z
  .strictObject({
    description: z.string().optional(),
    vehicles: z.array(scriptedVehicleSchema).min(1, 'needs at least one vehicle'),
  })
  .superRefine((scenario, context) => {
    const seen = new Set<string>();
    scenario.vehicles.forEach((vehicle, v) => {
      if (seen.has(vehicle.vehicleId)) {
        context.addIssue({ code: 'custom', path: ['vehicles', v, 'vehicleId'], message: `duplicate vehicleId ${vehicle.vehicleId}` });
      }
      seen.add(vehicle.vehicleId);
      vehicle.readings.forEach((reading, r) => {
        const previous = vehicle.readings[r - 1];
        if (previous && reading.offsetMs <= previous.offsetMs) {
          context.addIssue({
            code: 'custom',
            path: ['vehicles', v, 'readings', r, 'offsetMs'],
            message: `must be greater than the previous reading's offsetMs (${previous.offsetMs})`,
          });
        }
      });
    });
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScriptedVehicle = Scenario['vehicles'][number];

/** Validates parsed JSON as a scenario; the error lists every problem with its path. */
export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${formatIssuePath(issue.path) || '(root)'}: ${issue.message}`);
  throw new SimulatorError('SCENARIO_INVALID', `${source} is not a valid scenario:\n${problems.join('\n')}`);
}

/** The vehicle's readings exactly as scripted, timed from `startMs`. */
export function scriptedReadings(vehicle: ScriptedVehicle, startMs: number): DeviceReading[] {
  return vehicle.readings.map(({ offsetMs, ...fields }) => ({ vehicleId: vehicle.vehicleId, ts: startMs + offsetMs, ...fields }));
}
