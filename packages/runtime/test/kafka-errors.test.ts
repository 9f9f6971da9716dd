import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyKafkaError } from '../src/kafka-errors';

/** kafkajs builds protocol errors from the broker's error code description (typed loosely as Error). */
function protocolError(type: string, retriable: boolean): KafkaJSProtocolError {
  return new KafkaJSProtocolError({ name: type, type, code: 1, retriable, message: type } as unknown as Error);
}

describe('classifyKafkaError', () => {
  it('treats a broker that stays down as transient, although kafkajs says non-retriable', () => {
    const exhausted = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error: ECONNREFUSED'), {
      retryCount: 5,
      retryTime: 1000,
    });
    expect(classifyKafkaError(exhausted)).toMatchObject({ code: 'KAFKA_UNAVAILABLE', retriable: true });
  });

  it('treats a protocol error the broker calls permanent as permanent, even when wrapped', () => {
    const tooLarge = protocolError('MESSAGE_TOO_LARGE', false);
    const wrapped = new KafkaJSNumberOfRetriesExceeded(tooLarge, { retryCount: 0, retryTime: 0 });
    expect(classifyKafkaError(wrapped)).toMatchObject({ code: 'KAFKA_REJECTED', retriable: false });
  });

  it('keeps a retriable protocol error transient', () => {
    const leaderMoved = protocolError('NOT_LEADER_FOR_PARTITION', true);
    expect(classifyKafkaError(leaderMoved).retriable).toBe(true);
  });
});
