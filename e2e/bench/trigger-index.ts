import type { VehicleEvent } from '@fleet/contracts';
import type { PublishedRow } from './sim-protocol';

interface VehicleReadings {
  ts: number[];
  sentAt: number[];
}

/**
 * Device publish times of the tracked vehicles' readings, and the reading that made the processor
 * emit an event. Most events describe the reading that triggered them (OVERSPEED: the confirming
 * reading; OVERSPEED_END: the reading back under the limit), but some can only be emitted once a
 * later reading arrives, and the latency that matters is from that later reading's publish. The
 * rules follow stream-processors/src/domain:
 * - HARSH_*: the event describes the onset; it is emitted by the first reading after the last
 *   harsh one (the manoeuvre ends there, onset + durationMs);
 * - GEOFENCE_*: the second reading on the new side (the one after the event's);
 * - anything else: the event's own reading.
 */
export class TriggerIndex {
  private readonly vehicles = new Map<string, VehicleReadings>();

  add(rows: PublishedRow[]): void {
    for (const [vehicleId, ts, sentAt] of rows) {
      let readings = this.vehicles.get(vehicleId);
      if (!readings) {
        readings = { ts: [], sentAt: [] };
        this.vehicles.set(vehicleId, readings);
      }
      readings.ts.push(ts);
      readings.sentAt.push(sentAt);
    }
  }

  /** Publish time of the reading with this exact ts (InfluxDB samples), if tracked. */
  sentAtOf(vehicleId: string, ts: number): number | undefined {
    const readings = this.vehicles.get(vehicleId);
    if (!readings) return undefined;
    const index = firstAtLeast(readings.ts, ts);
    return readings.ts[index] === ts ? readings.sentAt[index] : undefined;
  }

  /** Publish time of the reading that triggered the event, or undefined when not (yet) known. */
  triggerSentAt(event: VehicleEvent): number | undefined {
    const readings = this.vehicles.get(event.vehicleId);
    if (!readings) return undefined;
    let index: number;
    switch (event.type) {
      case 'HARSH_BRAKING':
      case 'HARSH_ACCELERATION':
        index = firstAtLeast(readings.ts, event.ts + (event.durationMs ?? 0) + 1);
        break;
      case 'GEOFENCE_EXIT':
      case 'GEOFENCE_ENTER':
        index = firstAtLeast(readings.ts, event.ts + 1);
        break;
      default:
        index = firstAtLeast(readings.ts, event.ts);
    }
    return readings.sentAt[index];
  }
}

/** Index of the first element ≥ value in an ascending array (length when none). */
function firstAtLeast(values: number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((values[mid] ?? 0) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
