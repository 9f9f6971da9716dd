export { DEFAULT_PIPELINE_PORTS, type LaunchPipelineOptions, launchPipeline, logFileOf, type Pipeline, type PipelinePorts } from './launch-pipeline';
export { type LiveCounts, readLiveCounts } from './live-counts';
export { type RunningService, type ServiceSpec, startService, waitUntilReady } from './service-process';
