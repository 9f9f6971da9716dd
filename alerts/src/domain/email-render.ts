import type { EventType, VehicleEvent } from '@fleet/contracts';
import {
  countEvents,
  escapeHtml,
  formatAccel,
  formatDuration,
  formatLocalTime,
  formatPosition,
  formatSpeed,
  mapLink,
} from './email-text';
import type { Episode, Fold } from './notification-policy';

/** The facts of the event an email is about (the evidence fields are null when they do not apply). */
export type EventFacts = Pick<
  VehicleEvent,
  'type' | 'ts' | 'lat' | 'lon' | 'speedKph' | 'limitKph' | 'peakSpeedKph' | 'durationMs' | 'accelMps2' | 'geofenceName'
>;

export interface EmailSubjectMatter {
  owner: { name: string; timezone: string };
  vehicle: { id: string; name: string; plate?: string | undefined };
  /** One event's email, or the summary that closes a cooldown window. */
  about: { kind: 'event'; event: EventFacts; episode: Episode | null } | { kind: 'summary'; type: EventType };
  /** Events folded into this email. */
  carries: Fold | null;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

function vehicleLabel(vehicle: EmailSubjectMatter['vehicle']): string {
  return vehicle.plate ? `${vehicle.name} (${vehicle.plate})` : vehicle.name;
}

function episodeSentence(episode: Episode | null): string | null {
  if (!episode || (episode.durationMs === null && episode.peakSpeedKph === null)) return null;
  const parts: string[] = [];
  if (episode.durationMs !== null) parts.push(`lasted ${formatDuration(episode.durationMs)}`);
  if (episode.peakSpeedKph !== null) parts.push(`peaked at ${formatSpeed(episode.peakSpeedKph)}`);
  return `The speeding has ended: it ${parts.join(' and ')}.`;
}

/** Subject and the opening sentence: what happened, in plain words. */
function headline(event: EventFacts, vehicle: string): { subject: string; lead: string } {
  const speed = formatSpeed(event.speedKph);
  const place = event.geofenceName ?? 'a geofence';
  switch (event.type) {
    case 'OVERSPEED': {
      const limit = event.limitKph === null ? '' : ` where the limit is ${formatSpeed(event.limitKph)}`;
      return {
        subject: `Speeding: ${vehicle} at ${speed}${event.limitKph === null ? '' : ` (limit ${formatSpeed(event.limitKph)})`}`,
        lead: `${vehicle} was driving at ${speed}${limit}.`,
      };
    }
    case 'OVERSPEED_END':
      return { subject: `Speeding ended: ${vehicle}`, lead: `${vehicle} is back under the speed limit (now ${speed}).` };
    case 'HARSH_BRAKING':
      return {
        subject: `Harsh braking: ${vehicle}`,
        lead: `${vehicle} braked hard${event.accelMps2 === null ? '' : `: peak deceleration ${formatAccel(event.accelMps2)}`}, at ${speed}.`,
      };
    case 'HARSH_ACCELERATION':
      return {
        subject: `Harsh acceleration: ${vehicle}`,
        lead: `${vehicle} accelerated hard${event.accelMps2 === null ? '' : `: peak acceleration ${formatAccel(event.accelMps2)}`}, reaching ${speed}.`,
      };
    case 'GEOFENCE_EXIT':
      return { subject: `${vehicle} left ${place}`, lead: `${vehicle} left the area “${place}”, at ${speed}.` };
    case 'GEOFENCE_ENTER':
      return { subject: `${vehicle} entered ${place}`, lead: `${vehicle} entered the area “${place}”, at ${speed}.` };
  }
}

interface Body {
  subject: string;
  paragraphs: string[];
  details: [string, string][];
  link: string | null;
}

function eventBody(matter: EmailSubjectMatter, event: EventFacts, episode: Episode | null): Body {
  const { timezone } = matter.owner;
  const { subject, lead } = headline(event, vehicleLabel(matter.vehicle));
  const paragraphs = [lead];
  const ended = event.type === 'OVERSPEED' ? episodeSentence(episode) : null;
  if (ended) paragraphs.push(ended);
  if (event.type === 'OVERSPEED_END') {
    const standalone = episodeSentence({ durationMs: event.durationMs, peakSpeedKph: event.peakSpeedKph });
    if (standalone) paragraphs.push(standalone);
  }
  if (matter.carries) {
    paragraphs.push(
      `And ${countEvents(event.type, matter.carries.count, 'more ')} since ${formatLocalTime(matter.carries.firstTs, timezone)}, ` +
        'not emailed one by one so your inbox is not flooded.',
    );
  }
  const details: [string, string][] = [['When', formatLocalTime(event.ts, timezone)]];
  if (event.type === 'OVERSPEED' && event.limitKph !== null) {
    details.push(['Speed', `${formatSpeed(event.speedKph)} (limit ${formatSpeed(event.limitKph)})`]);
  } else {
    details.push(['Speed', formatSpeed(event.speedKph)]);
  }
  if (event.geofenceName) details.push(['Geofence', event.geofenceName]);
  details.push(['Where', formatPosition(event.lat, event.lon)]);
  return { subject, paragraphs, details, link: mapLink(event.lat, event.lon) };
}

function summaryBody(matter: EmailSubjectMatter, type: EventType): Body {
  const vehicle = vehicleLabel(matter.vehicle);
  const fold = matter.carries ?? { count: 0, firstTs: 0, lastTs: 0 };
  const what = countEvents(type, fold.count, 'more ');
  const { timezone } = matter.owner;
  return {
    subject: `${vehicle}: ${what}`,
    paragraphs: [
      `Since the last email, ${vehicle} had ${what}.`,
      'They were counted instead of emailed one by one so your inbox is not flooded.',
    ],
    details: [
      ['First', formatLocalTime(fold.firstTs, timezone)],
      ['Last', formatLocalTime(fold.lastTs, timezone)],
    ],
    link: null,
  };
}

/** The email for one notification, as text and HTML (every value escaped in the HTML). */
export function renderEmail(matter: EmailSubjectMatter): RenderedEmail {
  const body =
    matter.about.kind === 'event'
      ? eventBody(matter, matter.about.event, matter.about.episode)
      : summaryBody(matter, matter.about.type);
  const greeting = `Hello ${matter.owner.name},`;
  const footer = 'You get this email because alerts of this kind are switched on for your vehicles.';
  const text = [
    greeting,
    '',
    ...body.paragraphs.flatMap((paragraph) => [paragraph, '']),
    ...body.details.map(([label, value]) => `${label}: ${value}`),
    ...(body.link ? [`Map: ${body.link}`] : []),
    '',
    footer,
    '',
  ].join('\n');
  const rows = body.details
    .map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif">',
    `<p>${escapeHtml(greeting)}</p>`,
    ...body.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    `<table cellpadding="4">${rows}</table>`,
    body.link ? `<p><a href="${escapeHtml(body.link)}">Show on the map (OpenStreetMap)</a></p>` : '',
    `<p style="color:#666">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('');
  return { subject: body.subject, text, html };
}
