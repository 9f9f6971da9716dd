import { parseArgs } from 'node:util';
import { z } from 'zod';

export const DEMO_USAGE = `npm start [-- --vehicles N] [-- --rate HZ] [-- --seed S]

Starts the local infrastructure (unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL / INFLUX_URL /
SMTP_HOST point at external servers), the bridge, stream processors, sinks and alerts, seeds a
demo fleet through the API and drives it with the simulator. Ctrl-C stops everything.

  --vehicles N   simulated vehicles (default 20, at most 20000)
  --rate HZ      readings per second per vehicle (default 1)
  --seed S       simulator seed (default 1)`;

const optionsSchema = z.object({
  vehicles: z.coerce.number().int('must be a whole number').min(1).max(20_000).default(20),
  rate: z.coerce.number().positive('must be greater than 0').max(100).default(1),
  seed: z.coerce.number().int('must be a whole number').nonnegative().default(1),
  help: z.boolean().default(false),
});

export type DemoOptions = z.output<typeof optionsSchema>;

export function parseDemoOptions(argv: string[]): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      vehicles: { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  --${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`invalid options:\n${problems}\n\n${DEMO_USAGE}`);
  }
  return parsed.data;
}
