import type { LatencyFigures } from './latency-histogram';

/** What the simulator worker runs: the serialisable part of the simulator's options. */
export interface SimSpec {
  brokerUrl: string;
  vehicles: number;
  idPrefix: string;
  seed: number;
  connections: number;
  shares: { speeding: number; harsh: number; depotExit: number };
}

/** A tracked reading: [vehicleId, ts (device time), sentAt (wall clock, ms)]. */
export type PublishedRow = [string, number, number];

export interface SimTotals {
  sent: number;
  acked: number;
  failed: number;
  inFlight: number;
  errors: number;
}

export interface SimSnapshot {
  totals: SimTotals;
  /** Publish→PUBACK since the last window reset. */
  window: LatencyFigures;
  /** Publish→PUBACK since the last phase reset. */
  phase: LatencyFigures;
  /** Readings acknowledged since the last window reset, and over how long. */
  windowAcked: number;
  windowMs: number;
}

export type ToWorker =
  | { kind: 'start'; name: string; spec: SimSpec; trackIds: string[] }
  | { kind: 'stop'; name: string }
  | { kind: 'snapshot'; requestId: number; resetWindow: boolean; resetPhase: boolean }
  | { kind: 'exit' };

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'started'; name: string }
  | { kind: 'stopped'; name: string; unacknowledged: number }
  | { kind: 'published'; rows: PublishedRow[] }
  | { kind: 'snapshot'; requestId: number; snapshot: SimSnapshot }
  | { kind: 'error'; message: string };
