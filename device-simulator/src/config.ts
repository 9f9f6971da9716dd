import { parseArgs } from 'node:util';
import { z } from 'zod';
import { seedFromText } from './domain/random';
import { SimulatorError } from './errors';
import { MAX_VEHICLES, optionFields as field, type SimulationOptionsInput, shareSchema, simulationOptionsSchema } from './options';

export const USAGE = `fleet-sim: simulated vehicles publishing telemetry over MQTT

Usage: npm run sim -- [flags]      (or npx fleet-sim [flags])

Fleet
  --vehicles N              vehicles, 1-${MAX_VEHICLES} (default 10)
  --rate HZ                 readings per second per vehicle (default 1)
  --seed N|TEXT             same seed, same readings (default 1)
  --center LAT,LON          centre of the road network (default 52.52,13.405)
  --speeding-share S        share of speeding drivers, 0-1 or a percentage (default 0.1)
  --harsh-share S           share of harsh brakers/accelerators (default 0.1)
  --depot-exit-share S      share starting in the depot and driving out (default 0.2)
  --gps-noise M             GPS error standard deviation in metres (default 3)
  --id-prefix P             vehicle ids are P00001, P00002, ... (default veh-)
Scenario
  --scenario FILE           replay scripted traces from a JSON file instead
  --replay realtime|asap    at the scripted offsets (default) or as fast as acks allow
  --start TIME              scenario start, ISO-8601 or epoch ms (default: once connected)
MQTT
  --broker URL              broker (default mqtt://127.0.0.1:1883)
  --qos 0|1                 (default 1)
  --connections K           multiplex all vehicles over K connections (load tests; an
                            auth-enabled broker refuses this: one identity per connection)
  --username T              username template, {vehicleId} is replaced (default {vehicleId})
  --password-template T     per-device secret template, e.g. secret-{vehicleId}
  --connect-rate N          new connections per second at most (default 500)
Run
  --duration D              stop after D: 90, 90s, 5m, 1h, 500ms (default: until Ctrl-C)
  --max-readings N          stop after sending N readings in total
  --drain-timeout D         on stop, wait this long for outstanding PUBACKs (default 5s)
  --max-in-flight N         pause publishing while N readings await a PUBACK (default 100000)
  --quiet                   no live progress, only the summary
  --help`;

/** Option → the flag that sets it, so option errors name the flag the user typed. */
const FLAG_FOR_OPTION: Record<string, string> = {
  brokerUrl: 'broker',
  ratePerSec: 'rate',
  shares: 'speeding-share',
  'shares.speeding': 'speeding-share',
  'shares.harsh': 'harsh-share',
  'shares.depotExit': 'depot-exit-share',
  gpsNoiseM: 'gps-noise',
  idPrefix: 'id-prefix',
  startMs: 'start',
  usernameTemplate: 'username',
  passwordTemplate: 'password-template',
  durationMs: 'duration',
  maxReadings: 'max-readings',
  connectRatePerSec: 'connect-rate',
  drainTimeoutMs: 'drain-timeout',
  maxInFlight: 'max-in-flight',
};

const FLEET_ONLY_FLAGS = ['vehicles', 'rate', 'seed', 'center', 'speeding-share', 'harsh-share', 'depot-exit-share', 'gps-noise', 'id-prefix'];
const SCENARIO_ONLY_FLAGS = ['replay', 'start'];

const STRING_FLAGS = [...FLEET_ONLY_FLAGS, ...SCENARIO_ONLY_FLAGS, 'scenario', 'broker', 'qos', 'connections', 'username', 'password-template', 'connect-rate', 'duration', 'max-readings', 'drain-timeout', 'max-in-flight'];

const number = z.string().trim().min(1).pipe(z.coerce.number({ error: 'must be a number' }));
const share = z
  .string()
  .trim()
  .transform((text) => (text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text)))
  .pipe(z.number({ error: 'must be a share like 0.1 or 10%' }));
const duration = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?(ms|s|m|h)?$/, 'must be a duration like 90, 90s, 5m, 1h or 500ms')
  .transform((text) => {
    const [, amount = '0', unit = 's'] = /^([\d.]+)(ms|s|m|h)?$/.exec(text) ?? [];
    return Number(amount) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  });

/** Each flag's text → a typed, checked option value; keyed by flag name so errors can cite it. */
const flagsSchema = z.object({
  broker: field.brokerUrl.unwrap().optional(),
  vehicles: number.pipe(field.vehicles.unwrap()).optional(),
  rate: number.pipe(field.ratePerSec.unwrap()).optional(),
  qos: z.enum(['0', '1'], { error: 'must be 0 or 1' }).transform((text) => (text === '1' ? 1 : 0)).optional(),
  seed: z
    .string()
    .min(1)
    .transform((text) => (/^\d+$/.test(text) && Number(text) <= 0xffffffff ? Number(text) : seedFromText(text)))
    .optional(),
  center: z
    .string()
    .regex(/^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$/, 'must be LAT,LON like 52.52,13.405')
    .transform((text) => {
      const [lat, lon] = text.split(',').map(Number);
      return { lat: lat as number, lon: lon as number };
    })
    .pipe(field.center.unwrap())
    .optional(),
  'speeding-share': share.pipe(shareSchema).optional(),
  'harsh-share': share.pipe(shareSchema).optional(),
  'depot-exit-share': share.pipe(shareSchema).optional(),
  'gps-noise': number.pipe(field.gpsNoiseM.unwrap()).optional(),
  'id-prefix': field.idPrefix.unwrap().optional(),
  replay: z.enum(['realtime', 'asap'], { error: 'must be realtime or asap' }).optional(),
  start: z
    .string()
    .transform((text) => (/^\d+$/.test(text) ? Number(text) : Date.parse(text)))
    .pipe(z.number({ error: 'must be an ISO-8601 time or epoch milliseconds' }).pipe(field.startMs.unwrap()))
    .optional(),
  connections: number.pipe(field.connections.unwrap()).optional(),
  username: z.string().optional(),
  'password-template': z.string().optional(),
  'connect-rate': number.pipe(field.connectRatePerSec.unwrap()).optional(),
  duration: duration.pipe(field.durationMs.unwrap()).optional(),
  'max-readings': number.pipe(field.maxReadings.unwrap()).optional(),
  'drain-timeout': duration.pipe(field.drainTimeoutMs.unwrap()).optional(),
  'max-in-flight': number.pipe(field.maxInFlight.unwrap()).optional(),
});

export type CommandLine =
  | { help: true }
  | { help: false; options: SimulationOptionsInput; scenarioPath: string | undefined; quiet: boolean };

function invalid(problems: string[]): SimulatorError {
  return new SimulatorError('CONFIG_INVALID', `fleet-sim: invalid arguments:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\nRun with --help for usage.`);
}

/** Parses and validates argv (without node and script); throws SimulatorError CONFIG_INVALID. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(STRING_FLAGS.map((flag) => [flag, { type: 'string' as const }]));
    ({ values } = parseArgs({
      args: [...argv],
      options: { ...options, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw invalid([(error as Error).message]);
  }
  if (values.help) return { help: true };

  const given = (flag: string) => values[flag] !== undefined;
  const conflicts = values.scenario
    ? FLEET_ONLY_FLAGS.filter(given).map((flag) => `--${flag} does not apply with --scenario (the file defines the vehicles and their readings)`)
    : SCENARIO_ONLY_FLAGS.filter(given).map((flag) => `--${flag} only applies with --scenario`);
  if (conflicts.length > 0) throw invalid(conflicts);

  const flags = flagsSchema.safeParse(values);
  if (!flags.success) throw invalid(flags.error.issues.map((issue) => `--${String(issue.path[0])}: ${issue.message}`));
  const f = flags.data;
  const shares = {
    speeding: f['speeding-share'] ?? 0.1,
    harsh: f['harsh-share'] ?? 0.1,
    depotExit: f['depot-exit-share'] ?? 0.2,
  };
  const options = {
    brokerUrl: f.broker,
    qos: f.qos,
    vehicles: f.vehicles,
    ratePerSec: f.rate,
    seed: f.seed,
    center: f.center,
    shares,
    gpsNoiseM: f['gps-noise'],
    idPrefix: f['id-prefix'],
    replay: f.replay,
    startMs: f.start,
    connections: f.connections,
    usernameTemplate: f.username,
    passwordTemplate: f['password-template'],
    durationMs: f.duration,
    maxReadings: f['max-readings'],
    connectRatePerSec: f['connect-rate'],
    drainTimeoutMs: f['drain-timeout'],
    maxInFlight: f['max-in-flight'],
  } satisfies SimulationOptionsInput;

  const checked = simulationOptionsSchema.safeParse(options);
  if (!checked.success) {
    throw invalid(
      checked.error.issues.map((issue) => {
        const key = issue.path.map(String).join('.');
        return `--${FLAG_FOR_OPTION[key] ?? key}: ${issue.message}`;
      }),
    );
  }
  return { help: false, options, scenarioPath: values.scenario as string | undefined, quiet: values.quiet === true };
}
