#!/bin/bash
# Runs once at first start of the influxdb:2 container (after DOCKER_INFLUXDB_INIT_MODE=setup):
# maps the InfluxDB 1.x database/retention policy fleet/autogen to the bucket, so InfluxQL queries
# (Grafana dashboards, the examples in sinks/README.md) work against InfluxDB 2 as against 1.8.
set -euo pipefail
influx v1 dbrp create \
  --org "${DOCKER_INFLUXDB_INIT_ORG}" \
  --token "${DOCKER_INFLUXDB_INIT_ADMIN_TOKEN}" \
  --bucket-id "${DOCKER_INFLUXDB_INIT_BUCKET_ID}" \
  --db fleet --rp autogen --default
