import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../src/config';
import { seedFromText } from '../src/domain/random';
import { resolveSimulationOptions } from '../src/app';

function optionsOf(argv: string[]) {
  const command = parseCommandLine(argv);
  if (command.help) throw new Error('unexpected --help');
  return command;
}

function errorOf(argv: string[]): string {
  expect(() => parseCommandLine(argv)).toThrow();
  try {
    parseCommandLine(argv);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('command line', () => {
  it('defaults to 10 vehicles at 1 Hz, QoS 1, on the local broker', () => {
    const options = resolveSimulationOptions(optionsOf([]).options);
    expect(options).toMatchObject({ brokerUrl: 'mqtt://127.0.0.1:1883', vehicles: 10, ratePerSec: 1, qos: 1, seed: 1 });
    expect(options.durationMs).toBeUndefined();
    expect(options.connections).toBeUndefined();
  });

  it('converts every flag to its option', () => {
    const command = optionsOf([
      '--broker', 'mqtt://10.0.0.5:1884', '--vehicles', '250', '--rate', '2.5', '--qos', '0', '--seed', '42',
      '--duration', '5m', '--center', '48.137, 11.575', '--speeding-share', '15%', '--harsh-share', '0.05',
      '--depot-exit-share', '0', '--connections', '8', '--username', 'dev-{vehicleId}', '--password-template', 's3cret-{vehicleId}',
      '--max-readings', '1000', '--gps-noise', '0', '--id-prefix', 'truck-', '--connect-rate', '50', '--drain-timeout', '500ms', '--quiet',
    ]);
    expect(command.quiet).toBe(true);
    expect(command.options).toMatchObject({
      brokerUrl: 'mqtt://10.0.0.5:1884',
      vehicles: 250,
      ratePerSec: 2.5,
      qos: 0,
      seed: 42,
      durationMs: 300_000,
      center: { lat: 48.137, lon: 11.575 },
      shares: { speeding: 0.15, harsh: 0.05, depotExit: 0 },
      connections: 8,
      usernameTemplate: 'dev-{vehicleId}',
      passwordTemplate: 's3cret-{vehicleId}',
      maxReadings: 1000,
      gpsNoiseM: 0,
      idPrefix: 'truck-',
      connectRatePerSec: 50,
      drainTimeoutMs: 500,
    });
  });

  it('accepts a word as seed', () => {
    expect(optionsOf(['--seed', 'demo']).options.seed).toBe(seedFromText('demo'));
  });

  it('takes scenario flags with --scenario', () => {
    const command = optionsOf(['--scenario', 'trace.json', '--replay', 'asap', '--start', '2025-06-01T12:00:00Z']);
    expect(command.scenarioPath).toBe('trace.json');
    expect(command.options).toMatchObject({ replay: 'asap', startMs: Date.UTC(2025, 5, 1, 12) });
  });

  it('lists every bad flag with what is wrong', () => {
    const message = errorOf(['--vehicles', '20001', '--rate', 'fast', '--qos', '2', '--center', 'north', '--duration', 'soon', '--harsh-share', '1.5']);
    expect(message).toContain('--vehicles: must be at most 20000');
    expect(message).toContain('--rate: must be a number');
    expect(message).toContain('--qos: must be 0 or 1');
    expect(message).toContain('--center: must be LAT,LON');
    expect(message).toContain('--duration: must be a duration');
    expect(message).toContain('Run with --help');
  });

  it('names the flag when an option check fails', () => {
    expect(errorOf(['--harsh-share', '1.5'])).toContain('--harsh-share: must be between 0 and 1');
    expect(errorOf(['--broker', 'http://x'])).toContain('--broker: must be a broker URL');
    expect(errorOf(['--vehicles', '2.5'])).toContain('--vehicles: must be a whole number');
  });

  it('rejects unknown flags and flags that do not fit the mode', () => {
    expect(errorOf(['--vehicle', '3'])).toContain("Unknown option '--vehicle'");
    expect(errorOf(['--scenario', 'x.json', '--vehicles', '3'])).toContain('--vehicles does not apply with --scenario');
    expect(errorOf(['--replay', 'asap'])).toContain('--replay only applies with --scenario');
  });

  it('answers --help', () => {
    expect(parseCommandLine(['--help'])).toEqual({ help: true });
  });
});
