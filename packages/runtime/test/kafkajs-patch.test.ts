import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// kafkajs internals changed by patches/kafkajs+2.2.4.patch (offsets and timestamps as Numbers).
const require = createRequire(import.meta.url);
const Long = require('kafkajs/src/utils/long');
const Decoder = require('kafkajs/src/protocol/decoder');
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0');
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder');
const Batch = require('kafkajs/src/consumer/batch');

const INT64_MAX = 2n ** 63n - 1n;

function roundTrip(firstOffset: bigint, offsetDelta: number, firstTimestamp: bigint, timestampDelta: bigint) {
  const encoded = encodeRecord({ offsetDelta, timestampDelta: Long.fromValue(timestampDelta), key: Buffer.from('k'), value: Buffer.from('v') });
  const body = new Decoder(encoded.buffer).readVarIntBytes();
  const batchContext = { firstOffset: String(firstOffset), firstTimestamp: String(firstTimestamp), timestampType: 0, magicByte: 2 };
  return decodeRecord(new Decoder(body), batchContext) as { offset: string; timestamp: string; key: Buffer; value: Buffer };
}

describe('kafkajs record decoder (patched)', () => {
  it('decodes offsets and timestamps exactly, on the Number path and on the Long path', () => {
    const firstOffset = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 53n }), fc.bigInt({ min: 0n, max: INT64_MAX - 2n ** 31n }));
    const firstTimestamp = fc.oneof(fc.bigInt({ min: -1n, max: 4_102_444_800_000n }), fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }));
    const timestampDelta = fc.oneof(fc.bigInt({ min: -100_000n, max: 100_000n }), fc.bigInt({ min: -(2n ** 61n), max: 2n ** 61n }));
    fc.assert(
      fc.property(firstOffset, fc.integer({ min: 0, max: 2 ** 31 - 1 }), firstTimestamp, timestampDelta, (offset, delta, timestamp, tsDelta) => {
        const record = roundTrip(offset, delta, timestamp, tsDelta);
        expect(record.offset).toBe(String(offset + BigInt(delta)));
        expect(record.timestamp).toBe(String(timestamp + tsDelta));
        expect(String(record.value)).toBe('v');
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('kafkajs Batch (patched)', () => {
  const offsetsOf = (fetchedOffset: string, offsets: string[]) =>
    new Batch('t', fetchedOffset, {
      partition: 0,
      highWatermark: '0',
      abortedTransactions: [],
      messages: offsets.map((offset) => ({ offset, isControlRecord: false })),
    }).messages.map((message: { offset: string }) => message.offset);

  it('drops messages before the fetched offset, as Numbers and beyond 2^53', () => {
    expect(offsetsOf('5', ['3', '4', '5', '9', '10'])).toEqual(['5', '9', '10']);
    expect(offsetsOf('9007199254740993', ['9007199254740992', '9007199254740993', '9007199254740994'])).toEqual([
      '9007199254740993',
      '9007199254740994',
    ]);
  });
});
