import { readFile } from 'node:fs/promises';
import { parseScenario, type Scenario } from '../domain/scenario';
import { SimulatorError } from '../errors';

/** Reads and validates a scenario JSON file; every failure says which file and what is wrong. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SimulatorError('SCENARIO_UNREADABLE', `cannot read scenario file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SimulatorError('SCENARIO_INVALID', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseScenario(json, path);
}
