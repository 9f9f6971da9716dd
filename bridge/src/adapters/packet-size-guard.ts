import type { Client } from 'aedes';

interface MqttPacketParser {
  packet: { cmd?: string; length: number };
  _parseLength(): boolean;
  _emitError(error: Error): void;
}

/**
 * Refuses an MQTT packet whose fixed header announces more than `maxBytes` of remaining length,
 * before its body is buffered: aedes has no packet-size option, so this wraps the length step of
 * the client's mqtt-packet parser. The parser's error makes aedes close the connection (MQTT 3.1.1
 * has no reason code for it); the device sees its connection closed and no PUBACK.
 * Returns false when the parser does not have the expected shape (unsupported aedes version).
 */
export function guardPacketSize(client: Client, maxBytes: number): boolean {
  const parser = (client as unknown as { _parser?: MqttPacketParser })._parser;
  if (parser === undefined || typeof parser._parseLength !== 'function' || typeof parser._emitError !== 'function') {
    return false;
  }
  const parseLength = parser._parseLength;
  parser._parseLength = function guardedParseLength(this: MqttPacketParser): boolean {
    const complete = parseLength.call(this);
    if (complete && this.packet.length > maxBytes) {
      this._emitError(
        new Error(`MQTT ${this.packet.cmd ?? ''} packet of ${this.packet.length} bytes exceeds the limit of ${maxBytes}`),
      );
      return false;
    }
    return complete;
  };
  return true;
}
