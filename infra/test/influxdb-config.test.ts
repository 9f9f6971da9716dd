import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS, infraEndpoints } from '../src/endpoints';
import { influxConfig } from '../src/services/influxdb';

describe('generated InfluxDB 1.8 config', () => {
  const config = influxConfig({
    env: {},
    cacheDir: '/cache',
    serviceDir: '/data/influxdb',
    ports: DEFAULT_PORTS,
    endpoints: infraEndpoints({}),
    owner: 'tests',
  });

  it('puts no limit on tag values or series (vehicle_id is a tag; each new vehicle adds one)', () => {
    const data = config.slice(config.indexOf('[data]'), config.indexOf('[coordinator]'));
    expect(data).toMatch(/^\s*max-values-per-tag = 0$/m);
    expect(data).toMatch(/^\s*max-series-per-database = 0$/m);
  });

  it('binds HTTP and RPC to 127.0.0.1 on the configured ports', () => {
    expect(config).toContain('bind-address = "127.0.0.1:18086"');
    expect(config).toContain('bind-address = "127.0.0.1:18088"');
  });
});
