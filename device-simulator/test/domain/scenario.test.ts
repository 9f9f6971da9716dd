import { telemetryInputSchema } from '@fleet/contracts';
import { describe, expect, it } from 'vitest';
import { parseScenario, scriptedReadings } from '../../src/domain/scenario';
import { SimulatorError } from '../../src/errors';

const START = Date.UTC(2025, 5, 1, 12, 0, 0);

const scenario = {
  description: 'overspeed then harsh braking',
  vehicles: [
    {
      vehicleId: 'veh-A',
      readings: [
        { offsetMs: 0, lat: 52.5, lon: 13.4, speedKph: 50 },
        { offsetMs: 1000, lat: 52.5001, lon: 13.4, speedKph: 131.5, accelLongMps2: 0.4, seq: 7, dtc: ['P0300'] },
        { offsetMs: 2500, lat: 52.5002, lon: 13.4, speedKph: 100, accelLongMps2: -6.2, ignition: true },
      ],
    },
    { vehicleId: 'veh-B', readings: [{ offsetMs: 200, lat: 52.4, lon: 13.3, speedKph: 0, headingDeg: 359.9 }] },
  ],
};

function problemsOf(json: unknown): string {
  try {
    parseScenario(json, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(SimulatorError);
    expect((error as SimulatorError).code).toBe('SCENARIO_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('scenario replay', () => {
  it('replays every scripted reading exactly, timed from the start', () => {
    const parsed = parseScenario(scenario);
    expect(scriptedReadings(parsed.vehicles[0] as never, START)).toEqual([
      { vehicleId: 'veh-A', ts: START, lat: 52.5, lon: 13.4, speedKph: 50 },
      { vehicleId: 'veh-A', ts: START + 1000, lat: 52.5001, lon: 13.4, speedKph: 131.5, accelLongMps2: 0.4, seq: 7, dtc: ['P0300'] },
      { vehicleId: 'veh-A', ts: START + 2500, lat: 52.5002, lon: 13.4, speedKph: 100, accelLongMps2: -6.2, ignition: true },
    ]);
    expect(scriptedReadings(parsed.vehicles[1] as never, START)).toEqual([
      { vehicleId: 'veh-B', ts: START + 200, lat: 52.4, lon: 13.3, speedKph: 0, headingDeg: 359.9 },
    ]);
  });

  it('produces readings the pipeline accepts', () => {
    const parsed = parseScenario(scenario);
    for (const vehicle of parsed.vehicles) {
      for (const reading of scriptedReadings(vehicle, START)) expect(telemetryInputSchema.safeParse(reading).success).toBe(true);
    }
  });
});

describe('scenario validation', () => {
  it('names the file and the path of each problem', () => {
    const message = problemsOf({
      vehicles: [{ vehicleId: 'bad id!', readings: [{ offsetMs: -1, lat: 91, lon: 0, speedKph: 500 }] }],
    });
    expect(message).toContain('test.json is not a valid scenario');
    expect(message).toContain('vehicles[0].vehicleId');
    expect(message).toContain('vehicles[0].readings[0].offsetMs');
    expect(message).toContain('vehicles[0].readings[0].lat');
    expect(message).toContain('vehicles[0].readings[0].speedKph');
  });

  it('rejects misspelt fields instead of silently dropping them', () => {
    const message = problemsOf({ vehicles: [{ vehicleId: 'v1', readings: [{ offsetMs: 0, lat: 1, lon: 1, speedKph: 1, speedKmh: 3 }] }] });
    expect(message).toMatch(/vehicles\[0\]\.readings\[0\].*speedKmh/);
  });

  it('rejects a missing required field', () => {
    expect(problemsOf({ vehicles: [{ vehicleId: 'v1', readings: [{ offsetMs: 0, lat: 1, lon: 1 }] }] })).toContain(
      'vehicles[0].readings[0].speedKph',
    );
  });

  it('rejects offsets that do not increase and duplicate vehicles', () => {
    const readings = [
      { offsetMs: 1000, lat: 1, lon: 1, speedKph: 1 },
      { offsetMs: 1000, lat: 1, lon: 1, speedKph: 1 },
    ];
    const message = problemsOf({ vehicles: [{ vehicleId: 'v1', readings }, { vehicleId: 'v1', readings: readings.slice(0, 1) }] });
    expect(message).toContain("vehicles[0].readings[1].offsetMs: must be greater than the previous reading's offsetMs (1000)");
    expect(message).toContain('vehicles[1].vehicleId: duplicate vehicleId v1');
  });

  it('rejects an empty scenario and a vehicle without readings', () => {
    expect(problemsOf({ vehicles: [] })).toContain('vehicles: needs at least one vehicle');
    expect(problemsOf({ vehicles: [{ vehicleId: 'v1', readings: [] }] })).toContain('vehicles[0].readings: needs at least one reading');
    expect(problemsOf([])).toContain('(root)');
  });
});
