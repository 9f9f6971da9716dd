import type { Admin, Kafka } from 'kafkajs';

export interface KafkaProbe {
  /** Sum over partitions of the high watermark (records ever written to a fresh topic). */
  endOffsets(topic: string): Promise<number>;
  /** Records between the group's committed offsets and the high watermarks. */
  lag(groupId: string, topic: string): Promise<number>;
  close(): Promise<void>;
}

export async function createKafkaProbe(kafka: Kafka): Promise<KafkaProbe> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  const offsets = async (topic: string) => {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch {
      return []; // not created yet
    }
  };
  return {
    async endOffsets(topic) {
      return (await offsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
    },
    async lag(groupId, topic) {
      const [ends, committed] = await Promise.all([offsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      let lag = 0;
      for (const end of ends) {
        const done = byPartition.get(end.partition) ?? -1;
        lag += Number(end.high) - (done >= 0 ? done : Number(end.low));
      }
      return lag;
    },
    close: () => admin.disconnect(),
  };
}
