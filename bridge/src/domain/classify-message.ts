import {
  DLQ_HEADERS,
  type DlqReason,
  type TelemetryReading,
  validateTelemetryPayload,
  vehicleIdFromTopic,
} from '@fleet/contracts';

/** One MQTT message as the bridge received it. */
export interface InboundMessage {
  topic: string;
  payload: Uint8Array;
  /** MQTT client id of the publisher (embedded broker) or of the bridge's subscription (external). */
  clientId: string;
  /** Bridge receive time, epoch ms: the reference for clock-skew checks. */
  receivedAt: number;
}

export type Classified =
  | { kind: 'accepted'; key: string; reading: TelemetryReading }
  | { kind: 'rejected'; key: string; reason: DlqReason; headers: Record<string, string> };

/** Error texts are kept short: they travel in every DLQ record's headers. */
const MAX_ERROR_CHARS = 1000;

export function dlqHeaders(input: {
  reason: DlqReason;
  error: string;
  topic: string;
  clientId: string;
  receivedAt: number;
}): Record<string, string> {
  return {
    [DLQ_HEADERS.reason]: input.reason,
    [DLQ_HEADERS.error]: input.error.length > MAX_ERROR_CHARS ? `${input.error.slice(0, MAX_ERROR_CHARS)}…` : input.error,
    [DLQ_HEADERS.mqttTopic]: input.topic,
    [DLQ_HEADERS.clientId]: input.clientId,
    [DLQ_HEADERS.receivedAt]: new Date(input.receivedAt).toISOString(),
  };
}

/** Key of a rejected record: the topic's vehicle when it names one, else the publisher's client id. */
export function rejectionKey(topicVehicleId: string | null, clientId: string): string {
  return topicVehicleId ?? clientId;
}

/**
 * Decides what happens to one MQTT message: an accepted, normalised reading keyed by vehicle, or
 * a dead-letter with its reason. Pure: time comes in with the message.
 */
export function classifyMessage(message: InboundMessage): Classified {
  const topicVehicleId = vehicleIdFromTopic(message.topic);
  const result = validateTelemetryPayload(message.payload, { topicVehicleId, receivedAt: message.receivedAt });
  if (result.ok) return { kind: 'accepted', key: result.reading.vehicleId, reading: result.reading };
  return rejected(message, topicVehicleId, result.reason, result.error);
}

export function rejected(
  message: InboundMessage,
  topicVehicleId: string | null,
  reason: DlqReason,
  error: string,
): Extract<Classified, { kind: 'rejected' }> {
  return {
    kind: 'rejected',
    key: rejectionKey(topicVehicleId, message.clientId),
    reason,
    headers: dlqHeaders({ reason, error, topic: message.topic, clientId: message.clientId, receivedAt: message.receivedAt }),
  };
}
