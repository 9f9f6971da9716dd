export { freePorts } from './free-ports';
export { registryClient, startTestPipeline } from './test-pipeline';
export { metricValue } from './metric-value';
export { killService, restartService, startExtraInstance } from './service-control';
