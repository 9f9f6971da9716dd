import { createInfraSetup } from '@fleet/testkit/global-setup';

// The infra tests cover every service, the opt-in InfluxDB 2 included.
export default createInfraSetup({ extraServices: ['influxdb2'] });
