import { TOPICS } from '@fleet/contracts';
import { describe, expect, it } from 'vitest';
import { loadProcessorConfig } from '../src/config';
import { DEFAULT_DETECTOR_CONFIG } from '../src/domain/detector-config';

describe('loadProcessorConfig', () => {
  it('defaults to the local infrastructure and the design thresholds', () => {
    const config = loadProcessorConfig({});
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:19092']);
    expect(config.topics).toMatchObject({ telemetry: TOPICS.telemetry, events: TOPICS.events, state: TOPICS.processorState });
    expect(config.sessionTimeoutMs).toBe(30_000);
    expect(config.stateFlushMs).toBe(5000);
    expect(config.detector).toEqual(DEFAULT_DETECTOR_CONFIG);
    expect(config.ops).toEqual({ host: '127.0.0.1', port: 9102 });
  });

  it('takes thresholds and the session timeout from the environment', () => {
    const config = loadProcessorConfig({ DEFAULT_SPEED_LIMIT_KPH: '90', PROCESSOR_SESSION_TIMEOUT_MS: '10000' });
    expect(config.detector.defaultSpeedLimitKph).toBe(90);
    expect(config.sessionTimeoutMs).toBe(10_000);
  });

  it('explains every invalid variable', () => {
    expect(() =>
      loadProcessorConfig({ PROCESSOR_SESSION_TIMEOUT_MS: '1000', PROCESSOR_STATE_FLUSH_MS: '-1', HARSH_BRAKING_MPS2: 'hard', KAFKA_BROKERS: '' }),
    ).toThrowError(/KAFKA_BROKERS[\s\S]*PROCESSOR_SESSION_TIMEOUT_MS[\s\S]*PROCESSOR_STATE_FLUSH_MS[\s\S]*HARSH_BRAKING_MPS2/);
  });
});
