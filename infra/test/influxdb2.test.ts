import { statSync } from 'node:fs';
import { getInfra } from '@fleet/testkit';
import { describe, expect, it } from 'vitest';
import { isExternal } from '../src/endpoints';
import { serviceDataDir } from '../src/paths';
import { influxdb2TokenFile, readInfluxdb2Token, setUpInfluxdb2 } from '../src/services/influxdb2';
import { INFLUXDB2_RECIPE, INFLUXDB2_VERSION, influxdb2Paths, influxdb2RecipeKey } from '../src/services/influxdb2-build';

const local = !isExternal('influxdb2');

// Writing and reading back (Flux, InfluxQL): test/influxdb.test.ts, for 1.8 and 2.x alike.
describe('influxdb2 (InfluxDB 2.x: org, bucket, token)', () => {
  const { influx2 } = getInfra();

  it('keys the cached binary on version and recipe', () => {
    const { binary, workDir } = influxdb2Paths('/cache');
    expect(binary).toBe(`/cache/influxdb-${INFLUXDB2_VERSION}-${influxdb2RecipeKey()}/bin/influxd`);
    expect(workDir).toBe(`/cache/influxdb-${INFLUXDB2_VERSION}-${influxdb2RecipeKey()}.build`);
    expect(influxdb2RecipeKey({ ...INFLUXDB2_RECIPE, tags: 'other' })).not.toBe(influxdb2RecipeKey());
  });

  it('refuses requests without the token', async () => {
    const response = await fetch(`${influx2.url}/api/v2/write?org=${influx2.org}&bucket=${influx2.bucket}&precision=ms`, {
      method: 'POST',
      body: 'infra_smoke,vehicle=v-0 speed=1 1',
    });
    expect(response.status).toBe(401);
  });

  it.skipIf(!local)('keeps the generated token under the data dir, readable by its owner only; set-up is idempotent', async () => {
    const dir = serviceDataDir('influxdb2');
    expect(readInfluxdb2Token(dir)).toBe(influx2.token);
    expect(influx2.token.length).toBeGreaterThanOrEqual(40);
    expect(statSync(influxdb2TokenFile(dir)).mode & 0o077).toBe(0);
    const lines: string[] = [];
    await setUpInfluxdb2(influx2.url, dir, (line) => lines.push(line));
    expect(lines).toEqual([]);
    expect(readInfluxdb2Token(dir)).toBe(influx2.token);
  });
});
