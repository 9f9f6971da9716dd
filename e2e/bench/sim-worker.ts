/**
 * The simulated fleet in its own process (so its CPU and memory are measured apart from the
 * pipeline and from the bench's observers). Driven by the bench over IPC: see sim-protocol.ts.
 */
import { type SimulationHandle, startSimulation } from '@fleet/device-simulator';
import { LatencyHistogram } from './latency-histogram';
import type { FromWorker, PublishedRow, SimTotals, ToWorker } from './sim-protocol';

const send = (message: FromWorker) => process.send?.(message);
const simulations = new Map<string, SimulationHandle>();
const finished: SimTotals = { sent: 0, acked: 0, failed: 0, inFlight: 0, errors: 0 };
const windowLatency = new LatencyHistogram();
const phaseLatency = new LatencyHistogram();
const tracked = new Set<string>();
let rows: PublishedRow[] = [];
let windowAcked = 0;
let windowStartedAt = Date.now();

function start(name: string, message: Extract<ToWorker, { kind: 'start' }>): void {
  for (const id of message.trackIds) tracked.add(id);
  const { spec } = message;
  const handle = startSimulation(
    {
      brokerUrl: spec.brokerUrl,
      vehicles: spec.vehicles,
      ratePerSec: 1,
      qos: 1,
      seed: spec.seed,
      idPrefix: spec.idPrefix,
      shares: spec.shares,
      connections: spec.connections,
      connectRatePerSec: 200,
      drainTimeoutMs: 30_000,
    },
    {
      onPublished({ reading, latencyMs }) {
        windowLatency.record(latencyMs);
        phaseLatency.record(latencyMs);
        windowAcked++;
        if (tracked.has(reading.vehicleId)) {
          rows.push([reading.vehicleId, Number(reading.ts), Date.now() - latencyMs]);
        }
      },
    },
  );
  simulations.set(name, handle);
  send({ kind: 'started', name });
}

async function stop(name: string): Promise<void> {
  const handle = simulations.get(name);
  if (!handle) return;
  const summary = await handle.stop();
  simulations.delete(name);
  finished.sent += summary.sent;
  finished.acked += summary.acked;
  finished.errors += summary.errors;
  finished.failed += summary.sent - summary.acked - summary.unacknowledged;
  finished.inFlight += summary.unacknowledged;
  send({ kind: 'stopped', name, unacknowledged: summary.unacknowledged });
}

function totals(): SimTotals {
  const sum = { ...finished };
  for (const handle of simulations.values()) {
    const stats = handle.stats();
    sum.sent += stats.sent;
    sum.acked += stats.acked;
    sum.inFlight += stats.inFlight;
    sum.errors += stats.errors;
    sum.failed += stats.sent - stats.acked - stats.inFlight;
  }
  return sum;
}

process.on('message', (message: ToWorker) => {
  switch (message.kind) {
    case 'start':
      start(message.name, message);
      break;
    case 'stop':
      void stop(message.name);
      break;
    case 'snapshot': {
      const now = Date.now();
      send({
        kind: 'snapshot',
        requestId: message.requestId,
        snapshot: {
          totals: totals(),
          window: windowLatency.figures(),
          phase: phaseLatency.figures(),
          windowAcked,
          windowMs: now - windowStartedAt,
        },
      });
      if (message.resetWindow) {
        windowLatency.reset();
        windowAcked = 0;
        windowStartedAt = now;
      }
      if (message.resetPhase) phaseLatency.reset();
      break;
    }
    case 'exit':
      void Promise.all([...simulations.keys()].map(stop)).then(() => process.exit(0));
      break;
  }
});

// Tracked readings go to the bench in batches (a message per reading would cost more than the reading).
setInterval(() => {
  if (rows.length === 0) return;
  send({ kind: 'published', rows });
  rows = [];
}, 200).unref();

// The bench died: do not leave a fleet publishing.
process.on('disconnect', () => process.exit(0));
send({ kind: 'ready' });
