import { cpus } from 'node:os';
import { metricValue } from '../src/metric-value';
import type { BenchContext } from './bench-context';
import { drain, lags, sleep } from './drain';
import { startQueryabilityProbe } from './influx-probe';
import { type LatencyFigures, LatencyHistogram } from './latency-histogram';
import { caughtMails } from './mail-probe';
import { readCounters, stageRates } from './pipeline-counters';
import { machineCpuMeter, type ProcessUsage } from '@fleet/testkit/bench';
import { seedRegistry } from './seed-registry';
import { type StageFigures, snapshotStages, stageFigures } from './stage-histograms';
import type { SimSpec } from './sim-protocol';
import { TriggerIndex } from './trigger-index';

export interface FixedLoadResult {
  vehicles: number;
  seconds: number;
  offeredPerSec: number;
  stageRates: { bridge: number; processors: number; sinks: number };
  latencyMs: {
    deviceToKafka: LatencyFigures;
    deviceToEvent: LatencyFigures;
    deviceToQueryable: LatencyFigures;
    deviceToEmail: LatencyFigures;
  };
  /** The services' own histograms over the load window (bucket resolution), for the breakdown. */
  stages: StageFigures[];
  events: { observed: number; matchedToTrigger: number; byType: Record<string, number>; unmatched: Record<string, number> };
  emails: { caught: number; matchedToEvent: number };
  queryableSamples: { vehicles: number; unresolved: number; pollMs: number };
  processes: ProcessUsage[];
  /** Whole machine, percent of one core; `others` = processes this bench did not measure (other work on the machine). */
  machineCpu: { busyPercent: number | null; othersPercent: number | null };
  loss: {
    published: number;
    acked: number;
    unacknowledged: number;
    failed: number;
    inKafka: number;
    rejectedByBridge: number;
    inInfluxDb: number;
    lost: number;
    drained: boolean;
    drainMs: number;
  };
  lagAtEnd: { processors: number; sinks: number };
}

export async function runFixedLoad(ctx: BenchContext): Promise<FixedLoadResult> {
  const { options, sim, say } = ctx;
  const prefix = `${ctx.runId}f-`;
  const vehicles = options.fixedVehicles;
  const spec: SimSpec = {
    brokerUrl: ctx.brokerUrl,
    vehicles,
    idPrefix: prefix,
    seed: 42,
    connections: Math.ceil(vehicles / options.vehiclesPerConnection),
    shares: { speeding: options.speedingShare, harsh: options.harshShare, depotExit: 0 },
  };
  const mailDomain = `${ctx.namespace}.bench.example`;
  say(`fixed load: registering the misbehaving vehicles and their owners`);
  const seeded = await seedRegistry(ctx.pipeline.apiUrl, ctx.pipeline.adminToken, spec, mailDomain);
  await waitForRegistry(ctx, seeded.misbehaving.length);
  say(`  ${seeded.speeders} speeders (own limit 60 km/h), ${seeded.harsh} harsh drivers registered; processors have them`);

  const sampleIds = Array.from({ length: Math.ceil(vehicles / options.sampleEvery) }, (_, i) => `${prefix}${String(i * options.sampleEvery + 1).padStart(5, '0')}`);
  const triggers = new TriggerIndex();
  const queryable = startQueryabilityProbe(ctx.endpoints.influx, sampleIds, options.influxPollMs);
  ctx.onPublished.current = (rows) => {
    triggers.add(rows);
    queryable.published(rows);
  };

  const kafkaStart = await ctx.probe.endOffsets(ctx.pipeline.topics.telemetry);
  const before = await sim.snapshot({ resetPhase: true, resetWindow: true });
  const countersStart = await readCounters(ctx.pipeline.ports);
  const stagesStart = await snapshotStages(ctx.pipeline.ports);
  ctx.sampler.beginPhase();
  const machineCpu = machineCpuMeter(cpus().length);
  await sim.start('fixed', spec, [...new Set([...seeded.misbehaving, ...sampleIds])]);
  say(`fixed load: ${vehicles} vehicles at 1 Hz for ${options.fixedSeconds} s`);
  const loadEnds = Date.now() + options.fixedSeconds * 1000;
  while (Date.now() < loadEnds) {
    await sleep(Math.min(5000, loadEnds - Date.now()));
    const [snap, lag] = await Promise.all([sim.snapshot({ resetWindow: true }), lags(ctx)]);
    say(
      `  ${Math.round((loadEnds - Date.now()) / 1000)} s left: acked ${Math.round((snap.windowAcked / Math.max(1, snap.windowMs)) * 1000)}/s, ` +
        `PUBACK p99 ${snap.window.p99} ms, lag processors ${lag.processors} sinks ${lag.sinks}, events seen ${ctx.observer.eventsOf(prefix).length}`,
    );
  }
  const countersEnd = await readCounters(ctx.pipeline.ports);
  const stages = stageFigures(stagesStart, await snapshotStages(ctx.pipeline.ports));
  const processes = ctx.sampler.endPhase();
  const busyPercent = machineCpu.stop();
  const oursPercent = processes.reduce((sum, p) => sum + (p.cpuPercent ?? 0), 0);
  const unacknowledged = await sim.stop('fixed');
  const after = await sim.snapshot();
  const acked = after.totals.acked - before.totals.acked;
  say(`fixed load: stopped publishing; waiting for Kafka consumers and InfluxDB to catch up`);
  const drained = await drain(ctx, prefix, acked, 120_000);
  const inKafka = (await ctx.probe.endOffsets(ctx.pipeline.topics.telemetry)) - kafkaStart;
  await queryable.finish(15_000);
  // Emails leave through the alerts outbox; give the last ones a moment.
  await sleep(5000);

  const eventLatency = new LatencyHistogram();
  const byType: Record<string, number> = {};
  const unmatched: Record<string, number> = {};
  const events = ctx.observer.eventsOf(prefix);
  const triggerOf = new Map<string, number>();
  for (const { event, seenAt } of events) {
    byType[event.type] = (byType[event.type] ?? 0) + 1;
    const sentAt = triggers.triggerSentAt(event);
    if (sentAt === undefined || sentAt > seenAt) {
      const why = `${event.type}:${sentAt === undefined ? 'no-trigger' : 'after-seen'}`;
      unmatched[why] = (unmatched[why] ?? 0) + 1;
      continue;
    }
    triggerOf.set(event.eventId, sentAt);
    eventLatency.record(seenAt - sentAt);
  }
  const mails = await caughtMails(ctx.endpoints.mailApiUrl, mailDomain).catch(() => []);
  const emailLatency = new LatencyHistogram();
  for (const mail of mails) {
    const sentAt = triggerOf.get(mail.key);
    if (sentAt !== undefined && Number.isFinite(mail.receivedAt)) emailLatency.record(mail.receivedAt - sentAt);
  }
  const rejectedByBridge = countersEnd.bridgeRejected - countersStart.bridgeRejected;
  return {
    vehicles,
    seconds: options.fixedSeconds,
    offeredPerSec: vehicles,
    stageRates: stageRates(countersStart, countersEnd),
    latencyMs: {
      deviceToKafka: after.phase,
      deviceToEvent: eventLatency.figures(),
      deviceToQueryable: queryable.latency.figures(),
      deviceToEmail: emailLatency.figures(),
    },
    stages,
    events: { observed: events.length, matchedToTrigger: eventLatency.size, byType, unmatched },
    emails: { caught: mails.length, matchedToEvent: emailLatency.size },
    queryableSamples: { vehicles: sampleIds.length, unresolved: queryable.unresolved(), pollMs: options.influxPollMs },
    processes,
    machineCpu: { busyPercent, othersPercent: busyPercent === null ? null : Math.max(0, Math.round(busyPercent - oursPercent)) },
    loss: {
      published: after.totals.sent - before.totals.sent,
      acked,
      unacknowledged,
      failed: after.totals.failed - before.totals.failed,
      inKafka,
      rejectedByBridge,
      inInfluxDb: drained.points,
      lost: Math.max(0, acked - inKafka) + Math.max(0, acked - drained.points),
      drained: drained.complete,
      drainMs: drained.drainMs,
    },
    lagAtEnd: drained.lag,
  };
}

async function waitForRegistry(ctx: BenchContext, vehicles: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const known = await metricValue(ctx.pipeline.ports.processorsOps, 'processor_registry_records', 'table="vehicles"').catch(() => 0);
    if (known >= vehicles) return;
    await sleep(500);
  }
  throw new Error(`the processors did not see the ${vehicles} registered vehicles within 60 s`);
}
