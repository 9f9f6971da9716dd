import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { getInfra, uniqueName } from '@fleet/testkit';
import { describe, expect, it } from 'vitest';

describe('schema registry (Confluent-compatible API)', () => {
  const { registryUrl } = getInfra();
  const registry = new SchemaRegistry({ host: registryUrl });

  it('registers an Avro schema, encodes with the wire format and decodes', async () => {
    const subject = `${uniqueName('infra-smoke')}-value`;
    const schema = JSON.stringify({
      type: 'record',
      name: 'Reading',
      namespace: 'fleet.smoke',
      fields: [
        { name: 'vehicleId', type: 'string' },
        { name: 'speedKmh', type: 'double' },
        { name: 'recordedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
      ],
    });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject });
    expect(Number.isInteger(id)).toBe(true);
    expect(await registry.getLatestSchemaId(subject)).toBe(id);

    // Registering the same schema again returns the same id.
    expect((await registry.register({ type: SchemaType.AVRO, schema }, { subject })).id).toBe(id);

    const reading = { vehicleId: 'v-42', speedKmh: 87.5, recordedAt: 1_700_000_000_123 };
    const encoded = await registry.encode(id, reading);
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(encoded.length).toBeGreaterThan(5);

    const decoded = await registry.decode(encoded);
    expect(decoded).toEqual(reading);

    // A fresh client (empty cache) resolves the id through the registry.
    const fresh = new SchemaRegistry({ host: registryUrl });
    expect(await fresh.decode(encoded)).toEqual(reading);

    const response = await fetch(`${registryUrl}/subjects`);
    expect(response.status).toBe(200);
    expect(await response.json()).toContain(subject);

    // Clean up (soft then hard delete, as with Confluent's registry).
    expect((await fetch(`${registryUrl}/subjects/${subject}`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${registryUrl}/subjects/${subject}?permanent=true`, { method: 'DELETE' })).status).toBe(200);
    expect(await (await fetch(`${registryUrl}/subjects`)).json()).not.toContain(subject);
  });
});
