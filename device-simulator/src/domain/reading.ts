import type { TelemetryInput } from '@fleet/contracts';

/** What a simulated device publishes: a DESIGN.md "MQTT input" reading with an epoch-ms `ts`. */
export type DeviceReading = TelemetryInput & { ts: number };

/** A generated reading always carries the device's message counter. */
export type SimulatedReading = DeviceReading & { seq: number };
