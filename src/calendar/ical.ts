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

const NEEDS_ESCAPE = /[\\;,\r\n]/;

/** TEXT escaping: backslash, semicolon, comma, and any line break as `\n`. */
export function escapeText(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** UTF-8 octets of the code point `code`. */
const octetsOf = (code: number) => (code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4);

/**
 * One content line folded into lines of at most 75 octets, continuations led by a space. The
 * octets are counted from the code points (no Buffer per character: the feed folds every
 * Korean title, place and description).
 */
export function foldLine(line: string): string {
  // Short enough whatever its characters (at most 4 octets each) or by its exact size.
  if (line.length * 4 <= LINE_OCTETS || Buffer.byteLength(line) <= LINE_OCTETS) return line;
  let folded = '';
  let start = 0;
  let octets = 0;
  // The first line holds 75 octets; a continuation's leading space counts toward its 75.
  let limit = LINE_OCTETS;
  for (let i = 0; i < line.length;) {
    const code = line.codePointAt(i)!;
    const width = code > 0xffff ? 2 : 1;
    const size = octetsOf(code);
    if (octets + size > limit) {
      folded += `${line.slice(start, i)}\r\n `;
      start = i;
      octets = 0;
      limit = LINE_OCTETS - 1;
    }
    octets += size;
    i += width;
  }
  return folded + line.slice(start);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYYMMDDTHHMMSSZ`, UTC. */
export function utcStamp(instant: Date): string {
  return (
    `${String(instant.getUTCFullYear()).padStart(4, '0')}${pad(instant.getUTCMonth() + 1)}${pad(instant.getUTCDate())}` +
    `T${pad(instant.getUTCHours())}${pad(instant.getUTCMinutes())}${pad(instant.getUTCSeconds())}Z`
  );
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
