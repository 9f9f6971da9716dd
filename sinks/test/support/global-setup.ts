import { createInfraSetup } from '@fleet/testkit/global-setup';

// The sinks are tested against InfluxDB 1.8 and 2.x with the same code: both servers are needed.
export default createInfraSetup({ extraServices: ['influxdb2'] });
