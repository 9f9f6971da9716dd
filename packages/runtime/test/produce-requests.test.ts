import { describe, expect, it } from 'vitest';
import { messageBytes, splitIntoRequests } from '../src/produce-requests';

const message = (key: string, valueBytes: number) => ({ key, value: Buffer.alloc(valueBytes) });

describe('splitIntoRequests', () => {
  it('keeps everything in one request when it fits', () => {
    const input = [
      { topic: 'events', messages: [message('a', 100)] },
      { topic: 'state', messages: [message('a', 100), message('b', 100)] },
    ];
    expect(splitIntoRequests(input, 10_000)).toEqual([input]);
  });

  it('never puts more than maxBytes in a request and keeps the order of topics and messages', () => {
    const state = Array.from({ length: 10 }, (_, i) => message(`v${i}`, 1000));
    const requests = splitIntoRequests([{ topic: 'events', messages: [message('e', 500)] }, { topic: 'state', messages: state }], 3000);
    for (const request of requests) {
      const bytes = request.flatMap((entry) => entry.messages).reduce((sum, m) => sum + messageBytes(m), 0);
      expect(bytes).toBeLessThanOrEqual(3000);
    }
    const flattened = requests.flatMap((request) => request.flatMap((entry) => entry.messages.map((m) => `${entry.topic}:${m.key}`)));
    expect(flattened).toEqual(['events:e', ...state.map((m) => `state:${m.key}`)]);
    // Events come first: they are acknowledged before any state that says they were processed.
    expect(requests[0]?.[0]?.topic).toBe('events');
  });

  it('gives an oversized message a request of its own', () => {
    const requests = splitIntoRequests([{ topic: 't', messages: [message('small', 10), message('huge', 5000), message('small2', 10)] }], 1000);
    expect(requests.map((request) => request.flatMap((entry) => entry.messages.map((m) => m.key)))).toEqual([['small'], ['huge'], ['small2']]);
  });

  it('returns no request for no messages', () => {
    expect(splitIntoRequests([{ topic: 't', messages: [] }], 1000)).toEqual([]);
  });
});
