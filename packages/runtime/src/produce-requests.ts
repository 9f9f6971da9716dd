import type { Message, TopicMessages } from 'kafkajs';

/**
 * A broker rejects a partition's record batch above the topic's max.message.bytes (1 MiB by
 * default) with MESSAGE_TOO_LARGE, and kafkajs puts all messages of one partition in one record
 * batch per request. One consumer batch can easily carry more than that: its changelog records
 * (~1 KiB of state per vehicle) all go to the same changelog partition. So outputs are sent in
 * requests of at most this many key + value + header bytes; the margin covers the record framing.
 */
export const DEFAULT_MAX_REQUEST_BYTES = 768 * 1024;

/** Per-record framing in the v2 record format (length, attributes, deltas, varints) with a margin. */
const RECORD_OVERHEAD_BYTES = 24;

function byteLength(data: Buffer | string | null | undefined): number {
  if (data === null || data === undefined) return 0;
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}

export function messageBytes(message: Message): number {
  let bytes = RECORD_OVERHEAD_BYTES + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += byteLength(name);
    if (Array.isArray(value)) for (const v of value) bytes += byteLength(v);
    else bytes += byteLength(value as Buffer | string | undefined);
  }
  return bytes;
}

/**
 * Splits topic messages into sendBatch requests of at most `maxBytes` each, keeping the order of
 * the input (topics in the given order, messages in order within a topic). A message larger than
 * `maxBytes` gets a request of its own.
 */
export function splitIntoRequests(topicMessages: readonly TopicMessages[], maxBytes: number): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  let request: TopicMessages[] = [];
  let requestBytes = 0;
  for (const { topic, messages } of topicMessages) {
    let current: TopicMessages | undefined;
    for (const message of messages) {
      const bytes = messageBytes(message);
      if (requestBytes + bytes > maxBytes && requestBytes > 0) {
        requests.push(request);
        request = [];
        requestBytes = 0;
        current = undefined;
      }
      if (current === undefined) {
        current = { topic, messages: [] };
        request.push(current);
      }
      current.messages.push(message);
      requestBytes += bytes;
    }
  }
  if (requestBytes > 0) requests.push(request);
  return requests;
}
