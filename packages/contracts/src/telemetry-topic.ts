/** MQTT topics devices publish on: vehicles/{vehicleId}/telemetry. */
export const TELEMETRY_TOPIC_FILTER = 'vehicles/+/telemetry';

const TOPIC_PATTERN = /^vehicles\/([^/]+)\/telemetry$/;

export function telemetryTopic(vehicleId: string): string {
  return `vehicles/${vehicleId}/telemetry`;
}

/** The {vehicleId} segment of a telemetry topic, or null when the topic has another shape. */
export function vehicleIdFromTopic(topic: string): string | null {
  return TOPIC_PATTERN.exec(topic)?.[1] ?? null;
}
