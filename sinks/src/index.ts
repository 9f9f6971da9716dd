export { type App, type AppDependencies, createApp } from './app';
export { loadSinksConfig, type SinksConfig } from './config';
export { SINK_DLQ_REASONS } from './adapters/dlq-publisher';
export { eventLine, EVENTS_MEASUREMENT } from './domain/event-line';
export { telemetryLine, TELEMETRY_MEASUREMENT } from './domain/telemetry-line';
