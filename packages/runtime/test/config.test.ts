import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../src/app-error';
import { envVar, loadConfig } from '../src/config';

const schema = z.object({
  PORT: envVar.port(8080),
  KAFKA_BROKERS: envVar.list(['127.0.0.1:19092']),
  DEVICE_AUTH: envVar.bool(false),
  REGISTRY_URL: envVar.url('http://127.0.0.1:18081'),
  BATCH_SIZE: envVar.int(500, 1, 10_000),
});

describe('loadConfig', () => {
  it('applies defaults when the environment is empty', () => {
    expect(loadConfig(schema, {}, 'svc')).toEqual({
      PORT: 8080,
      KAFKA_BROKERS: ['127.0.0.1:19092'],
      DEVICE_AUTH: false,
      REGISTRY_URL: 'http://127.0.0.1:18081',
      BATCH_SIZE: 500,
    });
  });

  it('converts strings to typed values', () => {
    const config = loadConfig(schema, { PORT: '9000', KAFKA_BROKERS: 'a:1, b:2', DEVICE_AUTH: 'yes', BATCH_SIZE: '10' }, 'svc');
    expect(config).toMatchObject({ PORT: 9000, KAFKA_BROKERS: ['a:1', 'b:2'], DEVICE_AUTH: true, BATCH_SIZE: 10 });
  });

  it('names every bad variable, what is wrong and what it got', () => {
    let thrown: unknown;
    try {
      loadConfig(schema, { PORT: '70000', DEVICE_AUTH: 'maybe', REGISTRY_URL: 'not a url', BATCH_SIZE: '1.5' }, 'bridge');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    const error = thrown as AppError;
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.retriable).toBe(false);
    expect(error.message).toContain('bridge: invalid configuration');
    expect(error.message).toMatch(/PORT: must be a port number 0-65535 \(got "70000"\)/);
    expect(error.message).toMatch(/DEVICE_AUTH: must be true or false \(got "maybe"\)/);
    expect(error.message).toMatch(/REGISTRY_URL: must be a URL/);
    expect(error.message).toMatch(/BATCH_SIZE: must be a whole number/);
  });

  it('never echoes a secret variable', () => {
    const withSecret = z.object({ ADMIN_TOKEN: z.string().min(16), DEVICE_AUTH_KEY: z.string().min(16) });
    expect(() => loadConfig(withSecret, { ADMIN_TOKEN: 'short-secret', DEVICE_AUTH_KEY: 'tiny' }, 'svc')).toThrow(
      /ADMIN_TOKEN: .*\(got \(a value, not shown\)\)/,
    );
    try {
      loadConfig(withSecret, { ADMIN_TOKEN: 'short-secret', DEVICE_AUTH_KEY: 'tiny' }, 'svc');
    } catch (error) {
      expect((error as Error).message).not.toMatch(/short-secret|tiny/);
    }
  });

  it('rejects an empty list', () => {
    expect(() => loadConfig(schema, { KAFKA_BROKERS: ' , ' }, 'svc')).toThrow(/KAFKA_BROKERS: must list at least one value/);
  });
});
