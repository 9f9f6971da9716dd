import type { Kafka } from 'kafkajs';
import { telemetryDecoder } from './bridge-harness';
import { uniqueName } from './infra';

export interface CollectedReading {
  /** vehicleId#seq */
  id: string;
  vehicleId: string;
  key: string | undefined;
}

/** An independent consumer (its own group, from the beginning) that decodes every record of a telemetry topic. */
export interface TelemetryCollector {
  readonly readings: readonly CollectedReading[];
  stop(): Promise<void>;
}

export async function collectTelemetry(kafka: Kafka, topic: string): Promise<TelemetryCollector> {
  const decode = telemetryDecoder();
  const readings: CollectedReading[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('bridge-test-collector'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const value = await decode(message.value!);
      readings.push({ id: `${value.vehicleId}#${value.seq}`, vehicleId: value.vehicleId, key: message.key?.toString() });
    },
  });
  return { readings, stop: () => consumer.disconnect() };
}
