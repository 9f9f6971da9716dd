import { describe, expect, it } from 'vitest';
import { loadSinksConfig } from '../src/config';

describe('loadSinksConfig', () => {
  it('defaults to the local infrastructure', () => {
    const config = loadSinksConfig({});
    expect(config.influx).toMatchObject({ url: 'http://127.0.0.1:18086', bucket: 'fleet/autogen', org: 'fleet', token: undefined });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092']);
    expect(config.telemetry).toEqual({ topic: 'vehicle.telemetry', dlqTopic: 'vehicle.telemetry.sink-dlq', groupId: 'fleet-sinks-telemetry' });
    expect(config.events.dlqTopic).toBe('vehicle.events.sink-dlq');
    expect(config.batch.size).toBe(5000);
    expect(config.ops).toEqual({ host: '127.0.0.1', port: 9103 });
  });

  it('reads an InfluxDB 2 target', () => {
    const config = loadSinksConfig({
      INFLUX_URL: 'https://influx.example.test:8086/',
      INFLUX_TOKEN: 'a-token',
      INFLUX_ORG: 'acme',
      INFLUX_BUCKET: 'fleet',
      INFLUX_BATCH_SIZE: '1000',
    });
    expect(config.influx).toMatchObject({ url: 'https://influx.example.test:8086', token: 'a-token', org: 'acme', bucket: 'fleet' });
    expect(config.batch.size).toBe(1000);
  });

  it('lists every invalid variable', () => {
    expect(() =>
      loadSinksConfig({ INFLUX_URL: 'nope', INFLUX_BATCH_SIZE: '0', OPS_PORT: '70000', INFLUX_MAX_PENDING_LINES: '10' }),
    ).toThrow(/INFLUX_URL[\s\S]*INFLUX_BATCH_SIZE[\s\S]*OPS_PORT/);
    expect(() => loadSinksConfig({ INFLUX_MAX_PENDING_LINES: '10' })).toThrow(/INFLUX_MAX_PENDING_LINES: must be at least INFLUX_BATCH_SIZE/);
    expect(() => loadSinksConfig({ EVENTS_GROUP_ID: 'fleet-sinks-telemetry' })).toThrow(/EVENTS_GROUP_ID/);
  });
});
