import type { EventType } from '@fleet/contracts';

/** Formatting helpers for notification emails: plain language, owner's local time. */

export function formatLocalTime(ts: number, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).format(ts);
  } catch {
    // An unknown zone (the API validates zones, but records may predate that) must not stop an alert.
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(ts);
  }
}

export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
  return `${seconds} s`;
}

export const formatSpeed = (kph: number): string => `${Math.round(kph)} km/h`;

export function formatAccel(mps2: number): string {
  const magnitude = Math.abs(mps2);
  return `${magnitude.toFixed(1)} m/s² (${(magnitude / 9.80665).toFixed(2)} g)`;
}

const coordinate = (value: number) => Number(value.toFixed(5));

export function mapLink(lat: number, lon: number): string {
  const la = coordinate(lat);
  const lo = coordinate(lon);
  return `https://www.openstreetmap.org/?mlat=${la}&mlon=${lo}#map=17/${la}/${lo}`;
}

export function formatPosition(lat: number, lon: number): string {
  return `${coordinate(lat)}, ${coordinate(lon)}`;
}

const NOUNS: Record<EventType, [string, string]> = {
  OVERSPEED: ['speeding event', 'speeding events'],
  OVERSPEED_END: ['end of speeding', 'ends of speeding'],
  HARSH_BRAKING: ['harsh braking event', 'harsh braking events'],
  HARSH_ACCELERATION: ['harsh acceleration event', 'harsh acceleration events'],
  GEOFENCE_EXIT: ['geofence exit', 'geofence exits'],
  GEOFENCE_ENTER: ['geofence entry', 'geofence entries'],
};

/** "1 speeding event", "9 more speeding events" (qualifier "more "). */
export function countEvents(type: EventType, count: number, qualifier = ''): string {
  const [one, many] = NOUNS[type];
  return `${count} ${qualifier}${count === 1 ? one : many}`;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
