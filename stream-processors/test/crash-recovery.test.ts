import type { ChildProcess } from 'node:child_process';
import { waitFor } from '@fleet/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipelineTopics, type PipelineTopics, reading } from './support/pipeline-topics';
import { committedCount, kill, spawnProcessor } from './support/processor-process';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const calm = { accelLongMps2: 0.2 };
const children: ChildProcess[] = [];
let pipeline: PipelineTopics | undefined;
afterEach(async () => {
  await Promise.all(children.splice(0).map(kill));
  await pipeline?.close();
});

const speedingAt = (seconds: number[], speed: number) =>
  seconds.map((s) => reading('truck-9', T0 + s * 1000, speed, calm));

describe('processor crash and takeover (SIGKILL, real Kafka)', () => {
  it.each([
    ['before the episode is confirmed', [0, 1, 2, 3], [4, 5, 6, 7, 8]],
    ['after the episode is confirmed', [0, 1, 2, 3, 4, 5, 6, 7], [8]],
  ])('a crash %s neither repeats nor misses an event', async (_when, firstSeconds, secondSeconds) => {
    pipeline = await createPipelineTopics('crash');
    const first = spawnProcessor(pipeline);
    children.push(first);

    // Limit 120 (global default); speeding from t=1 s; confirmed 5 s later at t=6 s.
    const before = [reading('truck-9', T0, 100, calm), ...speedingAt(firstSeconds.slice(1), 140)];
    await pipeline.sendReadings(before);
    await waitFor(async () => (await committedCount(pipeline!)) === before.length, { timeoutMs: 60_000 });
    await kill(first);

    const after = [...speedingAt(secondSeconds, 140), reading('truck-9', T0 + 9000, 100, calm)];
    await pipeline.sendReadings(after);
    children.push(spawnProcessor(pipeline));
    await waitFor(async () => (await committedCount(pipeline!)) === before.length + after.length, { timeoutMs: 90_000 });
    await waitFor(() => pipeline!.events.length >= 2, { timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(pipeline.events.map((event) => [event.type, event.ts])).toEqual([
      ['OVERSPEED', T0 + 6000],
      ['OVERSPEED_END', T0 + 9000],
    ]);
    expect(pipeline.events[1]).toMatchObject({ peakSpeedKph: 140, durationMs: 8000 });
  });
});
