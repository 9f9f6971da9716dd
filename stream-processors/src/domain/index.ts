export {
  DEFAULT_DETECTOR_CONFIG,
  type DetectorConfig,
  detectorConfigSchema,
  harshAccelerationThresholdFor,
  harshBrakingThresholdFor,
  overspeedMinDurationFor,
} from './detector-config';
export {
  detectGeofenceTransitions,
  type GeofenceConfig,
  type GeofenceResult,
  type GeofenceTrack,
  type GeofenceState,
  initialGeofenceState,
} from './geofence';
export {
  type CompiledGeofence,
  compileGeofences,
  GeofenceIndex,
  type GeofenceIndexOptions,
} from './geofence-index';
export { type BoundingBox, circleBounds, compileShape, EARTH_RADIUS_M, haversineDistanceM } from './geometry';
export {
  detectHarshDriving,
  type HarshDrivingConfig,
  type HarshDrivingResult,
  type HarshDrivingState,
  type HarshManoeuvre,
  type HarshManoeuvreType,
  initialHarshDrivingState,
  longitudinalAccelMps2,
} from './harsh-driving';
export {
  detectOverspeed,
  initialOverspeedState,
  type OverspeedConfig,
  type OverspeedEpisode,
  type OverspeedResult,
  type OverspeedState,
} from './overspeed';
export { applicableSpeedLimit } from './speed-limit';
export {
  initialVehicleState,
  type ProcessingContext,
  type ProcessResult,
  processReading,
  type SkipReason,
  type VehicleState,
} from './vehicle-processor';
export { createVehicleEvent, NO_EVENTS, type ReadingAnchor } from './vehicle-event-factory';
