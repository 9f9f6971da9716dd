/** Why a record was dead-lettered. Stable codes: consumers of a DLQ branch on them. */
export const DLQ_REASONS = ['PARSE', 'SCHEMA', 'RANGE', 'TOPIC_MISMATCH', 'TOO_LARGE', 'CLOCK_SKEW'] as const;
export type DlqReason = (typeof DLQ_REASONS)[number];

/** Kafka header names on dead-letter records. Values are UTF-8 strings. */
export const DLQ_HEADERS = {
  reason: 'x-reason-code',
  error: 'x-error',
  mqttTopic: 'x-mqtt-topic',
  clientId: 'x-client-id',
  receivedAt: 'x-received-at',
  sourceTopic: 'x-source-topic',
  sourcePartition: 'x-source-partition',
  sourceOffset: 'x-source-offset',
} as const;
