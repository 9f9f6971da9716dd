import { createKafka, silentLogger } from '@fleet/runtime';

/** True when the group has committed every partition of the topic up to its end (nothing left to process). */
export async function caughtUp(brokers: string[], groupId: string, topic: string): Promise<boolean> {
  const admin = createKafka({ brokers, clientId: 'faults-lag', log: silentLogger() }).admin();
  await admin.connect();
  try {
    const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const done = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
    return ends.every(({ partition, high }) => Number(high) === 0 || done.get(partition) === Number(high));
  } finally {
    await admin.disconnect();
  }
}

/** The consumer groups of a namespaced test pipeline (see launch-pipeline.ts). */
export function pipelineGroups(namespace: string) {
  return {
    processors: `${namespace}.stream-processors`,
    sinksTelemetry: `${namespace}.fleet-sinks-telemetry`,
    sinksEvents: `${namespace}.fleet-sinks-events`,
    alerts: `${namespace}.fleet-alerts`,
  };
}

/** Records of the topic the group has not committed yet. */
export async function groupLag(brokers: string[], groupId: string, topic: string): Promise<number> {
  const admin = createKafka({ brokers, clientId: 'faults-lag', log: silentLogger() }).admin();
  await admin.connect();
  try {
    const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const done = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, Math.max(0, Number(offset))]));
    return ends.reduce((sum, { partition, high }) => sum + Number(high) - (done.get(partition) ?? 0), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Records in a topic (0 when it does not exist). */
export async function topicSize(brokers: string[], topic: string): Promise<number> {
  const admin = createKafka({ brokers, clientId: 'faults-lag', log: silentLogger() }).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  } finally {
    await admin.disconnect();
  }
}
