import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/adapters/scenario-file';

describe('scenario file', () => {
  it('loads a valid file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleet-sim-'));
    const path = join(dir, 'ok.json');
    await writeFile(path, JSON.stringify({ vehicles: [{ vehicleId: 'v1', readings: [{ offsetMs: 0, lat: 1, lon: 2, speedKph: 3 }] }] }));
    expect((await loadScenarioFile(path)).vehicles[0]?.vehicleId).toBe('v1');
  });

  it('accepts the example scenario shipped with the simulator', async () => {
    const example = await loadScenarioFile(fileURLToPath(new URL('../../scenarios/overspeed-and-harsh-braking.json', import.meta.url)));
    expect(example.vehicles.map((vehicle) => vehicle.vehicleId)).toEqual(['demo-speeder', 'demo-braker']);
  });

  it('says which file is missing or not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleet-sim-'));
    const missing = join(dir, 'missing.json');
    await expect(loadScenarioFile(missing)).rejects.toMatchObject({ code: 'SCENARIO_UNREADABLE', message: expect.stringContaining(missing) });
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "vehicles": [');
    await expect(loadScenarioFile(broken)).rejects.toMatchObject({
      code: 'SCENARIO_INVALID',
      message: expect.stringContaining(`${broken} is not valid JSON`),
    });
  });
});
