import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ensureTopics } from '../src/kafka';

function protocolError(type: string, retriable: boolean): Error {
  return Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable });
}

/**
 * An admin over an in-memory topic list: createTopics and fetchTopicMetadata fail with the
 * scripted errors first (a topic exists once a createTopics call got through).
 */
function fakeAdmin(script: { create?: Error[]; metadata?: Error[]; existing?: string[] } = {}) {
  const topics = new Set<string>(script.existing);
  const createFailures = [...(script.create ?? [])];
  const metadataFailures = [...(script.metadata ?? [])];
  let createCalls = 0;
  const admin = {
    listTopics: async () => [...topics],
    createTopics: async ({ topics: specs }: { topics: { topic: string }[] }) => {
      createCalls++;
      for (const spec of specs) topics.add(spec.topic);
      const failure = createFailures.shift();
      if (failure) throw failure;
      return true;
    },
    fetchTopicMetadata: async ({ topics: names }: { topics: string[] }) => {
      const failure = metadataFailures.shift();
      if (failure) throw failure;
      return { topics: names.filter((name) => topics.has(name)).map((name) => ({ name, partitions: [{ partitionId: 0, leader: 1 }] })) };
    },
  };
  return { admin: admin as unknown as Admin, calls: () => createCalls, topics };
}

const noWait = async () => undefined;

describe('ensureTopics', () => {
  it('retries a retriable protocol error raised while the new topic propagates (fresh broker)', async () => {
    const fake = fakeAdmin({ create: [protocolError('UNKNOWN_TOPIC_OR_PARTITION', true)] });
    await ensureTopics(fake.admin, [{ topic: 'a' }, { topic: 'b' }], { sleep: noWait });
    expect([...fake.topics].sort()).toEqual(['a', 'b']);
    // The retry found both topics created by the first call and created nothing again.
    expect(fake.calls()).toBe(1);
  });

  it('waits for the metadata of a topic another service has just created', async () => {
    const fake = fakeAdmin({ existing: ['a'], metadata: [protocolError('UNKNOWN_TOPIC_OR_PARTITION', true), protocolError('LEADER_NOT_AVAILABLE', true)] });
    await ensureTopics(fake.admin, [{ topic: 'a' }], { sleep: noWait });
    expect(fake.calls()).toBe(0);
  });

  it('does not retry a permanent protocol error', async () => {
    const fake = fakeAdmin({ create: [protocolError('TOPIC_AUTHORIZATION_FAILED', false)] });
    await expect(ensureTopics(fake.admin, [{ topic: 'a' }], { sleep: noWait })).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED');
  });

  it('gives up on a retriable error after retryForMs', async () => {
    const fake = fakeAdmin({ existing: ['a'], metadata: Array.from({ length: 1000 }, () => protocolError('LEADER_NOT_AVAILABLE', true)) });
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 10)));
    await expect(ensureTopics(fake.admin, [{ topic: 'a' }], { retryForMs: 50, sleep })).rejects.toThrow('LEADER_NOT_AVAILABLE');
  });
});
