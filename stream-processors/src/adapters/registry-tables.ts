import { type Geofence, geofenceSchema, type Vehicle, vehicleSchema } from '@fleet/contracts';
import { jsonRecordParser, startTableFollower, type TableFollower } from '@fleet/runtime';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { compileGeofences, type GeofenceIndex } from '../domain/geofence-index';

export interface RegistryTables {
  vehicle: (vehicleId: string) => Vehicle | undefined;
  /** The compiled geofence index; rebuilt lazily after the geofence table changed. */
  geofences: () => GeofenceIndex;
  caughtUp: () => Promise<void>;
  stop: () => Promise<void>;
}

/** Vehicles and geofences as in-memory tables that follow the registry's compacted topics. */
export async function startRegistryTables(options: {
  kafka: Kafka;
  topics: { vehicles: string; geofences: string };
  groupIdPrefix: string;
  log: Logger;
  /** Told the table sizes after each change (for the processor_registry_records gauge). */
  onSizes?: (sizes: { vehicles: number; geofences: number }) => void;
}): Promise<RegistryTables> {
  const { kafka, log } = options;
  let index: GeofenceIndex | undefined;
  // Assigned once both followers exist; a change during start-up is reported by the next one.
  let reportSizes = () => {};
  const [vehicles, geofences]: [TableFollower<Vehicle>, TableFollower<Geofence>] = await Promise.all([
    startTableFollower({
      kafka,
      topic: options.topics.vehicles,
      parse: jsonRecordParser(options.topics.vehicles, vehicleSchema, log),
      onChange: () => reportSizes(),
      groupIdPrefix: `${options.groupIdPrefix}-vehicles`,
      log,
    }),
    startTableFollower({
      kafka,
      topic: options.topics.geofences,
      parse: jsonRecordParser(options.topics.geofences, geofenceSchema, log),
      onChange: () => {
        index = undefined;
        reportSizes();
      },
      groupIdPrefix: `${options.groupIdPrefix}-geofences`,
      log,
    }),
  ]);
  reportSizes = () => options.onSizes?.({ vehicles: vehicles.table.size, geofences: geofences.table.size });
  reportSizes();
  return {
    vehicle: (vehicleId) => vehicles.table.get(vehicleId),
    geofences: () => {
      index ??= compileGeofences([...geofences.table.values()]);
      return index;
    },
    caughtUp: async () => {
      await Promise.all([vehicles.caughtUp(), geofences.caughtUp()]);
    },
    stop: async () => {
      await Promise.all([vehicles.stop(), geofences.stop()]);
    },
  };
}
