import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyKafkaError } from '../src/kafka-errors';

describe('classifyKafkaError', () => {
  it('treats a broker that stays down as transient, although kafkajs says non-retriable', () => {
    const exhausted = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error: ECONNREFUSED'), {
      retryCount: 5,
      retryTime: 1000,
    });
    expect(classifyKafkaError(exhausted)).toMatchObject({ code: 'KAFKA_UNAVAILABLE', retriable: true });
  });

  it('treats a protocol error the broker calls permanent as permanent, even when wrapped', () => {
    const tooLarge = new KafkaJSProtocolError({ type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false, message: 'too large' });
    const wrapped = new KafkaJSNumberOfRetriesExceeded(tooLarge, { retryCount: 0, retryTime: 0 });
    expect(classifyKafkaError(wrapped)).toMatchObject({ code: 'KAFKA_REJECTED', retriable: false });
  });

  it('keeps a retriable protocol error transient', () => {
    const leaderMoved = new KafkaJSProtocolError({ type: 'NOT_LEADER_FOR_PARTITION', code: 6, retriable: true, message: 'moved' });
    expect(classifyKafkaError(leaderMoved).retriable).toBe(true);
  });
});
