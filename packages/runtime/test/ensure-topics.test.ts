import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ensureTopics } from '../src/kafka';

function protocolError(type: string, retriable: boolean): Error {
  return Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable });
}

/** An admin whose createTopics fails with the given errors first; a topic exists once a call got through. */
function fakeAdmin(failures: Error[]) {
  const topics = new Set<string>();
  let createCalls = 0;
  const admin = {
    listTopics: async () => [...topics],
    createTopics: async ({ topics: specs }: { topics: { topic: string }[] }) => {
      createCalls++;
      for (const spec of specs) topics.add(spec.topic);
      const failure = failures.shift();
      if (failure) throw failure;
      return true;
    },
  };
  return { admin: admin as unknown as Admin, calls: () => createCalls, topics };
}

const noWait = async () => undefined;

describe('ensureTopics', () => {
  it('retries a retriable protocol error raised while the new topic propagates (fresh broker)', async () => {
    const fake = fakeAdmin([protocolError('UNKNOWN_TOPIC_OR_PARTITION', true)]);
    await ensureTopics(fake.admin, [{ topic: 'a' }, { topic: 'b' }], { sleep: noWait });
    expect([...fake.topics].sort()).toEqual(['a', 'b']);
    // The retry found both topics created by the first call and created nothing again.
    expect(fake.calls()).toBe(1);
  });

  it('does not retry a permanent protocol error', async () => {
    const fake = fakeAdmin([protocolError('TOPIC_AUTHORIZATION_FAILED', false)]);
    await expect(ensureTopics(fake.admin, [{ topic: 'a' }], { sleep: noWait })).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED');
  });

  it('gives up on a retriable error after retryForMs', async () => {
    const failures = Array.from({ length: 1000 }, () => protocolError('LEADER_NOT_AVAILABLE', true));
    const fake = fakeAdmin(failures);
    const admin = { ...fake.admin, listTopics: async () => [] } as unknown as Admin;
    await expect(ensureTopics(admin, [{ topic: 'a' }], { retryForMs: 50, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 10))) })).rejects.toThrow(
      'LEADER_NOT_AVAILABLE',
    );
  });
});
