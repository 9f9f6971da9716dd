import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVICES, InfraConfigError, infraEndpoints, influxEnv, isExternal, localPorts, SERVICE_NAMES } from '../src/endpoints';

describe('infraEndpoints', () => {
  it('defaults to the local servers on 127.0.0.1', () => {
    expect(infraEndpoints({})).toEqual({
      kafkaBrokers: ['127.0.0.1:19092'],
      registryUrl: 'http://127.0.0.1:18081/apis/ccompat/v7',
      influx: { url: 'http://127.0.0.1:18086', bucket: 'fleet/autogen', org: 'fleet', token: 'fleet-dev-token' },
      influx2: { url: 'http://127.0.0.1:18087', bucket: 'fleet', org: 'fleet', token: '' },
      smtp: { host: '127.0.0.1', port: 11025 },
      mailApiUrl: 'http://127.0.0.1:18025',
      mqttUrl: 'mqtt://127.0.0.1:11883',
    });
  });

  it('starts InfluxDB 2 only on request (opt-in), and stops or lists it with the others', () => {
    expect(SERVICE_NAMES).toContain('influxdb2');
    expect(DEFAULT_SERVICES).not.toContain('influxdb2');
    expect(SERVICE_NAMES.filter((name) => name !== 'influxdb2')).toEqual([...DEFAULT_SERVICES]);
  });

  it('gives the local InfluxDB 2 its generated token, fixed org and bucket; INFLUX2_* only for an external one', () => {
    const env = { INFLUX2_ORG: 'other', INFLUX2_TOKEN: 'ignored', FLEET_INFLUX2_PORT: '28087' };
    expect(infraEndpoints(env, { influx2Token: 'generated' }).influx2).toEqual({
      url: 'http://127.0.0.1:28087',
      bucket: 'fleet',
      org: 'fleet',
      token: 'generated',
    });
    const external = { INFLUX2_URL: 'https://influx2.example.test/', INFLUX2_ORG: 'acme', INFLUX2_BUCKET: 'telemetry', INFLUX2_TOKEN: 't0k' };
    expect(isExternal('influxdb2', external)).toBe(true);
    expect(infraEndpoints(external, { influx2Token: 'generated' }).influx2).toEqual({
      url: 'https://influx2.example.test',
      bucket: 'telemetry',
      org: 'acme',
      token: 't0k',
    });
    expect(influxEnv(infraEndpoints(external).influx2)).toEqual({
      INFLUX_URL: 'https://influx2.example.test',
      INFLUX_TOKEN: 't0k',
      INFLUX_ORG: 'acme',
      INFLUX_BUCKET: 'telemetry',
    });
  });

  it('takes external endpoints from the env and marks those services external', () => {
    const env = {
      KAFKA_BROKERS: ' kafka-1:9092, kafka-2:9092 ',
      SCHEMA_REGISTRY_URL: 'http://registry:8081/',
      INFLUX_URL: 'https://influx.example.test:8086',
      INFLUX_BUCKET: 'fleet',
      INFLUX_TOKEN: 'secret',
      SMTP_PORT: '1025',
      MAIL_API_URL: 'http://mailpit:8025',
      MQTT_BROKER_URL: 'mqtt://emqx:1883',
    };
    const endpoints = infraEndpoints(env);
    expect(endpoints.kafkaBrokers).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(endpoints.registryUrl).toBe('http://registry:8081');
    expect(endpoints.influx).toEqual({ url: 'https://influx.example.test:8086', bucket: 'fleet', org: 'fleet', token: 'secret' });
    expect(endpoints.smtp).toEqual({ host: '127.0.0.1', port: 1025 });
    expect(endpoints.mailApiUrl).toBe('http://mailpit:8025');
    expect(endpoints.mqttUrl).toBe('mqtt://emqx:1883');
    expect(['kafka', 'schema-registry', 'influxdb', 'smtp', 'mqtt'].map((s) => isExternal(s as never, env))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    // The bridge's own MQTT_URL (its external mode) does not replace the local broker.
    expect(isExternal('mqtt', { MQTT_URL: 'mqtt://elsewhere:1883' })).toBe(false);
    expect(isExternal('kafka', { KAFKA_BROKERS: '  ' })).toBe(false);
  });

  it('moves local ports with FLEET_*_PORT', () => {
    const env = { FLEET_KAFKA_PORT: '29092', FLEET_REGISTRY_PORT: '28081', FLEET_MQTT_PORT: '21883' };
    expect(localPorts(env).kafka).toBe(29092);
    expect(infraEndpoints(env).kafkaBrokers).toEqual(['127.0.0.1:29092']);
    expect(infraEndpoints(env).registryUrl).toBe('http://127.0.0.1:28081/apis/ccompat/v7');
    expect(infraEndpoints(env).mqttUrl).toBe('mqtt://127.0.0.1:21883');
  });

  it.each([
    [{ KAFKA_BROKERS: 'no-port' }, /KAFKA_BROKERS/],
    [{ KAFKA_BROKERS: 'host:70000' }, /KAFKA_BROKERS/],
    [{ SCHEMA_REGISTRY_URL: 'ftp://x' }, /SCHEMA_REGISTRY_URL/],
    [{ INFLUX_URL: 'not a url' }, /INFLUX_URL/],
    [{ INFLUX2_URL: 'influx2:8086' }, /INFLUX2_URL/],
    [{ FLEET_INFLUX2_PORT: '18086' }, /both use port 18086/],
    [{ SMTP_PORT: '0' }, /SMTP_PORT/],
    [{ MQTT_BROKER_URL: 'http://broker:1883' }, /MQTT_BROKER_URL/],
    [{ FLEET_KAFKA_PORT: 'abc' }, /FLEET_KAFKA_PORT/],
    [{ FLEET_SMTP_PORT: '19092' }, /both use port 19092/],
  ])('rejects %j', (env, message) => {
    expect(() => infraEndpoints(env)).toThrow(InfraConfigError);
    expect(() => infraEndpoints(env)).toThrow(message);
  });
});
