import type { MqttClient, Packet } from 'mqtt';

type SendPacket = (packet: Packet, cb?: (error?: Error) => void, ...rest: unknown[]) => void;

/**
 * Defers the PUBACK mqtt.js sends for a received QoS 1 message until the bridge says the record
 * is durable in Kafka. mqtt.js handles received packets strictly one after another and sends the
 * PUBACK when `handleMessage` calls back; waiting there for Kafka would allow one message per
 * produce round trip. Instead `handleMessage` calls back at once and the PUBACK write itself is
 * held here (wrapping the client's internal `_sendPacket`, checked at start-up).
 *
 * A PUBACK whose connection has gone since is dropped: the broker redelivers the message on the
 * persistent session, and the bridge writes it again (at-least-once).
 */
export class PubackGate {
  private readonly pending = new Map<number, Promise<boolean>>();
  private generation = 0;

  constructor(private readonly client: MqttClient) {
    const target = client as unknown as { _sendPacket?: SendPacket };
    const send = target._sendPacket;
    if (typeof send !== 'function') throw new Error('unsupported mqtt.js version: no _sendPacket to defer PUBACKs');
    client.on('connect', () => {
      this.generation++;
      this.pending.clear();
    });
    target._sendPacket = (packet, cb, ...rest) => {
      const messageId = (packet as { messageId?: number }).messageId;
      const durable = packet.cmd === 'puback' && messageId !== undefined ? this.pending.get(messageId) : undefined;
      if (durable === undefined) return send.call(client, packet, cb, ...rest);
      this.pending.delete(messageId!);
      // Let mqtt.js go on with the next received packet now; the PUBACK follows the Kafka ack.
      cb?.();
      void durable.then((ok) => {
        if (ok) send.call(client, packet, undefined, ...rest);
      });
    };
  }

  /**
   * Registers a received QoS 1 message; returns the callback to run when its record is durable
   * (error = not written: no PUBACK, the broker redelivers).
   */
  hold(messageId: number): (error?: Error) => void {
    const generation = this.generation;
    let settle!: (ok: boolean) => void;
    this.pending.set(
      messageId,
      new Promise<boolean>((resolve) => {
        settle = resolve;
      }),
    );
    return (error) => settle(error === undefined && generation === this.generation && this.client.connected);
  }
}
