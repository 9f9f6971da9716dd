export { type AlertService, startAlertService } from './app';
export { type AlertsConfig, configSchema, loadAlertsConfig } from './config';
export { DEFAULT_REGISTRY_TOPICS, type RegistryTopics } from './registry/registry-tables';
