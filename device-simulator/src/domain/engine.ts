import type { SeededRandom } from './random';

/** Top speed of each gear and engine rpm per km/h in it: a typical six-speed passenger car. */
const GEAR_TOP_KPH = [15, 30, 45, 62, 85, Number.POSITIVE_INFINITY] as const;
const RPM_PER_KPH = [115, 65, 45, 34, 27, 22] as const;
const IDLE_RPM = 750;
const WARM_COOLANT_C = 90;
/** Time constants of coolant warming (engine running) and cooling (engine off). */
const WARM_UP_TAU_S = 200;
const COOL_DOWN_TAU_S = 1500;
const IDLE_LITRES_PER_HOUR = 0.8;
const TANK_LITRES = 60;
const REFUEL_BELOW_PCT = 15;

export interface EngineState {
  coolantC: number;
  fuelPct: number;
  odometerKm: number;
  readonly ambientC: number;
  readonly litresPer100Km: number;
  /** Alternator regulation voltage while running; the resting voltage when off. */
  readonly chargingV: number;
  readonly restingV: number;
}

export interface EngineReadout {
  rpm: number;
  engineLoadPct: number;
  throttlePct: number;
  coolantTempC: number;
  batteryV: number;
  fuelLevelPct: number;
  odometerKm: number;
}

/** A vehicle as it is before the first reading: cold, partly fuelled, with some mileage. */
export function createEngineState(random: SeededRandom): EngineState {
  const ambientC = random.between(5, 25);
  return {
    coolantC: ambientC,
    fuelPct: random.between(35, 100),
    odometerKm: random.between(5_000, 180_000),
    ambientC,
    litresPer100Km: random.between(6.5, 11),
    chargingV: random.between(13.8, 14.4),
    restingV: random.between(12.3, 12.7),
  };
}

/** Warms or cools the coolant and burns fuel for `distanceM` driven over `dtS` seconds. */
export function updateEngine(state: EngineState, dtS: number, distanceM: number, running: boolean): void {
  const target = running ? WARM_COOLANT_C : state.ambientC;
  const tau = running ? WARM_UP_TAU_S : COOL_DOWN_TAU_S;
  state.coolantC += (target - state.coolantC) * (1 - Math.exp(-dtS / tau));
  const litres = (distanceM / 100_000) * state.litresPer100Km + (running ? (IDLE_LITRES_PER_HOUR * dtS) / 3600 : 0);
  state.fuelPct = Math.max(0, state.fuelPct - (litres / TANK_LITRES) * 100);
  state.odometerKm += distanceM / 1000;
}

/** Drivers refuel at the end of a trip once the tank runs low, so long runs never run dry. */
export function refuelIfLow(state: EngineState, random: SeededRandom): void {
  if (state.fuelPct < REFUEL_BELOW_PCT) state.fuelPct = random.between(90, 100);
}

export function gearFor(speedKph: number): number {
  let gear = 0;
  while (speedKph >= (GEAR_TOP_KPH[gear] ?? Number.POSITIVE_INFINITY)) gear++;
  return gear;
}

/** What the OBD-II PIDs report for the current motion; small sensor jitter from `random`. */
export function engineReadout(
  state: EngineState,
  speedMps: number,
  accelMps2: number,
  ignition: boolean,
  random: SeededRandom,
): EngineReadout {
  const { coolantC: coolantTempC, fuelPct: fuelLevelPct, odometerKm } = state;
  if (!ignition) {
    return { rpm: 0, engineLoadPct: 0, throttlePct: 0, coolantTempC, batteryV: state.restingV, fuelLevelPct, odometerKm };
  }
  const speedKph = speedMps * 3.6;
  const geared = speedKph * (RPM_PER_KPH[gearFor(speedKph)] ?? RPM_PER_KPH[0]);
  const pulling = Math.max(0, accelMps2);
  // Braking closes the throttle (engine braking); otherwise the pedal follows speed and acceleration.
  const braking = accelMps2 < -0.3;
  return {
    rpm: Math.max(IDLE_RPM, geared) + random.between(-15, 15),
    engineLoadPct: braking ? 8 : clampPct(20 + 0.25 * speedKph + 25 * pulling),
    throttlePct: braking ? 0 : clampPct(speedKph > 0 ? 8 + 0.18 * speedKph + 20 * pulling : 0),
    coolantTempC,
    batteryV: state.chargingV + random.between(-0.03, 0.03),
    fuelLevelPct,
    odometerKm,
  };
}

function clampPct(value: number): number {
  return Math.max(0, Math.min(100, value));
}
