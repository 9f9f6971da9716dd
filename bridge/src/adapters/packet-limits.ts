import { MAX_PAYLOAD_BYTES } from '@fleet/contracts';

/**
 * Largest MQTT packet (remaining length) the bridge accepts: the payload limit plus room for the
 * topic, message id and properties. A payload just above MAX_PAYLOAD_BYTES still fits and is
 * dead-lettered as TOO_LARGE; anything bigger is refused at the MQTT layer.
 */
export const MAX_PACKET_BYTES = MAX_PAYLOAD_BYTES + 1024;
