import { VEHICLE_ID_PATTERN } from '@fleet/contracts';
import { z } from 'zod';
import { scenarioSchema } from './domain/scenario';

export const MAX_VEHICLES = 20_000;
const WHOLE = 'must be a whole number';

export const shareSchema = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const share = (fallback: number) => shareSchema.default(fallback);

/** Each option's own check; the CLI pipes its flags through these so all errors show at once. */
export const optionFields = {
    brokerUrl: z
      .url({ protocol: /^(mqtts?|tcp|ssl|wss?)$/, error: 'must be a broker URL like mqtt://127.0.0.1:1883' })
      .default('mqtt://127.0.0.1:1883'),
    qos: z.union([z.literal(0), z.literal(1)], { error: 'must be 0 or 1' }).default(1),
    vehicles: z.number().int(WHOLE).min(1).max(MAX_VEHICLES, `must be at most ${MAX_VEHICLES}`).default(10),
    ratePerSec: z.number().positive('must be greater than 0').max(100, 'must be at most 100 readings per second per vehicle').default(1),
    seed: z.number().int(WHOLE).nonnegative().default(1),
    center: z
      .object({ lat: z.number().min(-85).max(85), lon: z.number().min(-180).max(180) })
      .default({ lat: 52.52, lon: 13.405 }),
    shares: z
      .object({ speeding: share(0.1), harsh: share(0.1), depotExit: share(0.2) })
      .default({ speeding: 0.1, harsh: 0.1, depotExit: 0.2 }),
    gpsNoiseM: z.number().min(0).max(50).default(3),
    idPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._-]{0,58}$/, 'must be at most 58 chars of [A-Za-z0-9._-]')
      .default('veh-'),
    /** Replay these scripted traces instead of generating a fleet. */
    scenario: scenarioSchema.optional(),
    /** Scenario pacing: at the scripted offsets, or all at once (timestamps unchanged). */
    replay: z.enum(['realtime', 'asap']).default('realtime'),
    /** Scenario start time (epoch ms); defaults to when every vehicle is connected. */
    startMs: z.number().int(WHOLE).nonnegative().optional(),
    /** Multiplexed mode: this many MQTT connections (at most one per vehicle) shared by all vehicles. */
    connections: z.number().int(WHOLE).min(1).optional(),
    /** `{vehicleId}` is replaced (by the connection's client id in multiplexed mode). */
    usernameTemplate: z.string().default('{vehicleId}'),
    passwordTemplate: z.string().optional(),
    durationMs: z.number().positive('must be greater than 0').optional(),
    maxReadings: z.number().int(WHOLE).positive().optional(),
    connectRatePerSec: z.number().positive('must be greater than 0').default(500),
    /** On stop, how long to wait for outstanding PUBACKs before disconnecting. */
    drainTimeoutMs: z.number().nonnegative().default(5000),
    /** Publishing pauses while this many readings await their PUBACK (bounds memory). */
    maxInFlight: z.number().int(WHOLE).positive().default(100_000),
};

/**
 * Everything a simulation run can be told, with its defaults: the CLI builds this from flags, the
 * demo command and benchmarks pass it to `startSimulation` directly.
 */
export const simulationOptionsSchema = z
  .object(optionFields)
  .superRefine((options, context) => {
    const longestId = `${options.idPrefix}${String(MAX_VEHICLES).padStart(5, '0')}`;
    if (!VEHICLE_ID_PATTERN.test(longestId)) {
      context.addIssue({ code: 'custom', path: ['idPrefix'], message: 'makes vehicle ids longer than 64 characters' });
    }
  });

export type SimulationOptionsInput = z.input<typeof simulationOptionsSchema>;
export type SimulationOptions = z.output<typeof simulationOptionsSchema>;
