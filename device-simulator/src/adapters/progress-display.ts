import { clearScreenDown, moveCursor } from 'node:readline';
import type { Writable } from 'node:stream';
import { formatStatsBlock, formatStatsLine } from '../format';
import type { SimulationStats } from '../stats';

export interface ProgressTarget extends Writable {
  isTTY?: boolean;
  columns?: number;
}

const TTY_REFRESH_MS = 500;
const PLAIN_EVERY_MS = 10_000;

/**
 * Live progress: on a terminal a block redrawn in place (node:readline's cursor helpers, no extra
 * dependency); otherwise, e.g. in CI logs, a plain line every ten seconds.
 */
export function startProgressDisplay(target: ProgressTarget, read: () => SimulationStats, qos: 0 | 1): { stop(): void } {
  if (!target.isTTY) {
    const timer = setInterval(() => target.write(`${formatStatsLine(read())}\n`), PLAIN_EVERY_MS);
    return { stop: () => clearInterval(timer) };
  }
  let drawnLines = 0;
  const draw = () => {
    // Cut to the terminal width: a wrapped line would throw off the cursor arithmetic of the redraw.
    const width = target.columns ?? Number.POSITIVE_INFINITY;
    const lines = formatStatsBlock(read(), qos).map((line) => line.slice(0, width));
    if (drawnLines > 0) moveCursor(target, 0, -drawnLines);
    clearScreenDown(target);
    target.write(`${lines.join('\n')}\n`);
    drawnLines = lines.length;
  };
  draw();
  const timer = setInterval(draw, TTY_REFRESH_MS);
  let stopped = false;
  return {
    // Idempotent: a redraw after other output was printed below the block would overwrite it.
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      draw();
    },
  };
}
