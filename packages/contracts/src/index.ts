export * from './avro-schemas';
export * from './dlq';
export * from './events';
export * from './registry';
export * from './telemetry';
export * from './telemetry-topic';
export * from './telemetry-validation';
export * from './topics';
