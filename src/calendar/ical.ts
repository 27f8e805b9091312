import { kstParts } from '../lib/time';

/**
 * A small iCalendar (RFC 5545) writer for the one shape the feed needs: events in Korea time
 * with their VTIMEZONE. Text values are escaped (§3.3.11) and every content line is folded at
 * 75 octets (§3.1) without splitting a UTF-8 character; lines end with CRLF.
 */
export const TZID = 'Asia/Seoul';

export interface CalendarEvent {
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  location: string;
  description: string;
  url: string;
  created: Date;
  lastModified: Date;
  sequence: number;
}

export interface CalendarDocument {
  name: string;
  /** How often a client should fetch again (minutes). */
  refreshMinutes: number;
  events: CalendarEvent[];
}

const LINE_OCTETS = 75;

/** TEXT escaping: backslash, semicolon, comma, and any line break as `\n`. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** One content line folded into lines of at most 75 octets, continuations led by a space. */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line) <= LINE_OCTETS) return line;
  const lines: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    // A continuation line's leading space counts toward its 75 octets.
    const limit = lines.length === 0 ? LINE_OCTETS : LINE_OCTETS - 1;
    if (octets + size > limit) {
      lines.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  lines.push(current);
  return lines.join('\r\n ');
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYYMMDDTHHMMSSZ`, UTC. */
export function utcStamp(instant: Date): string {
  return instant
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** `YYYYMMDDTHHMMSS`, the wall clock in Korea (used with `TZID=Asia/Seoul`). */
export function kstStamp(instant: Date): string {
  const p = kstParts(instant);
  return `${p.year}${pad(p.month)}${pad(p.day)}T${pad(p.hour)}${pad(p.minute)}${pad(p.second)}`;
}

/** Korea has kept +09:00 without daylight saving since 1988: one STANDARD rule. */
const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${TZID}`,
  `X-LIC-LOCATION:${TZID}`,
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0900',
  'TZOFFSETTO:+0900',
  'TZNAME:KST',
  'DTSTART:19700101T000000',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/**
 * `DTSTAMP` is the event's last change rather than the time of the request: the document then
 * stays byte for byte the same until a run changes, so its ETag holds and a calendar app's
 * repeated fetch is a 304.
 */
function eventLines(event: CalendarEvent): string[] {
  return [
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `DTSTAMP:${utcStamp(event.lastModified)}`,
    `DTSTART;TZID=${TZID}:${kstStamp(event.start)}`,
    `DTEND;TZID=${TZID}:${kstStamp(event.end)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `LOCATION:${escapeText(event.location)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    // A URI value, not TEXT: written as it is (the link is built from ids, never user text).
    `URL:${event.url}`,
    `CREATED:${utcStamp(event.created)}`,
    `LAST-MODIFIED:${utcStamp(event.lastModified)}`,
    `SEQUENCE:${event.sequence}`,
    'STATUS:CONFIRMED',
    'TRANSP:OPAQUE',
    'END:VEVENT',
  ];
}

export function renderCalendar(doc: CalendarDocument): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//ErunJrun//Calendar feed//KO',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `NAME:${escapeText(doc.name)}`,
    `X-WR-CALNAME:${escapeText(doc.name)}`,
    `X-WR-TIMEZONE:${TZID}`,
    `REFRESH-INTERVAL;VALUE=DURATION:PT${doc.refreshMinutes}M`,
    `X-PUBLISHED-TTL:PT${doc.refreshMinutes}M`,
    ...VTIMEZONE,
    ...doc.events.flatMap(eventLines),
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
