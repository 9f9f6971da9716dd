import { readFileSync } from 'node:fs';

/** The Avro schemas shipped with this package (avro/*.avsc), as JSON objects for the registry. */
function loadSchema(fileName: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../avro/${fileName}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export const telemetryAvroSchema = loadSchema('vehicle-telemetry.avsc');
export const eventAvroSchema = loadSchema('vehicle-event.avsc');
