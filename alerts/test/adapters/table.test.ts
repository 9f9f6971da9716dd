import { createKafka, createProducer, ensureTopics } from '@fleet/runtime';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { startTable, type Table } from '../../src/adapters/table';
import { TableWriter } from '../../src/adapters/table-writer';
import { getInfra, log, uniqueName } from '../support/harness';

const infra = getInfra();
const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'alerts-table-test', log });
const producer = createProducer(kafka);
const started: Table<unknown>[] = [];
afterAll(async () => {
  for (const table of started) await table.stop();
  await producer.disconnect();
});

it('reads a compacted topic to its end, ignores invalid values, and reads its own writes back', async () => {
  const topic = uniqueName('alerts-table');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic, numPartitions: 1, compacted: true }]);
  await admin.disconnect();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'a', value: '{"n":1}' }, { key: 'b', value: '{"n":2}' }, { key: 'b', value: 'not json' }] });

  const table = await startTable({ topic, schema: z.object({ n: z.number() }) }, { kafka, log, groupIdPrefix: uniqueName('alerts-table-group') });
  started.push(table);
  // Started = read to the end; the invalid value left the previous one in place.
  expect([...table.values()]).toEqual([{ n: 1 }, { n: 2 }]);

  const writer = new TableWriter(producer);
  await writer.write(table, [{ key: 'c', value: { n: 3 } }, { key: 'a', value: null }]);
  expect(table.get('c')).toEqual({ n: 3 });
  expect(table.has('a')).toBe(false);
  expect(table.size).toBe(2);
});
