import type { Response } from 'express';
import { AppError } from './errors';
import { parseRoute, type LatLng } from './route';

/**
 * A stored route as a GPX 1.1 track (https://www.topografix.com/GPX/1/1/), the format running
 * watches and apps load: metadata (name, time of the file), one `<trk>` with the name and one
 * `<trkseg>` of the points in order. Served as a download by `GET /group/:groupId/route.gpx`
 * and `GET /course/:courseId/route.gpx`.
 */

export const GPX_CONTENT_TYPE = 'application/gpx+xml';

/** 422: the route is stored but is not a list of points (a legacy row); not the client's fault to fix. */
export const ROUTE_UNREADABLE = '저장된 코스 정보가 올바르지 않아 GPX 파일을 만들 수 없습니다';

/**
 * Text as XML character data or attribute value: the five special characters escaped, and the
 * characters XML 1.0 cannot hold at all (controls other than tab and line breaks, lone
 * surrogates, U+FFFE/U+FFFF) left out.
 */
export function xmlText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A degree value as `xsd:decimal` (never an exponent: `1e-7` would not validate). */
function decimal(value: number): string {
  if (Object.is(value, -0)) return '0';
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(12).replace(/\.?0+$/, '');
}

/** GPX longitudes are [-180, 180): 180° is the same meridian as -180°. */
const gpxLongitude = (lng: number) => (lng === 180 ? -180 : lng);

export interface GpxTrack {
  name: string;
  /** When the file is made (metadata `time`). */
  time: Date;
  points: LatLng[];
}

export function toGpx({ name, time, points }: GpxTrack): string {
  const title = xmlText(name);
  const trkpts = points.map(
    (p) => `      <trkpt lat="${decimal(p.lat)}" lon="${decimal(gpxLongitude(p.lng))}"/>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gpx version="1.1" creator="ErunJrun" xmlns="http://www.topografix.com/GPX/1/1">',
    '  <metadata>',
    `    <name>${title}</name>`,
    `    <time>${time.toISOString()}</time>`,
    '  </metadata>',
    '  <trk>',
    `    <name>${title}</name>`,
    '    <trkseg>',
    ...trkpts,
    '    </trkseg>',
    '  </trk>',
    '</gpx>',
    '',
  ].join('\n');
}

/** A route file: the GPX text and the names to save it under. */
export interface GpxFile {
  body: string;
  /** `<title>.gpx`, for `filename*` (UTF-8). */
  fileName: string;
  /** An ASCII-only name for clients that do not read `filename*`. */
  asciiName: string;
}

/** A title as a file name: controls and path separators become spaces. */
const fileSafe = (text: string) =>
  Array.from(text, (c) => (c < ' ' || c === '\u007f' || c === '/' || c === '\\' ? ' ' : c)).join(
    '',
  );

/**
 * The route of a run or course as a GPX file. `fallback` names the file in ASCII
 * (`group-<id>`); the title, Korean as a rule, names it for clients that read RFC 6266's
 * `filename*`. A route that is not a list of points answers 422 with a Korean message.
 */
export function routeFile(
  post: { title: string; mapLatLng: string | null },
  fallback: string,
  now: Date,
): GpxFile {
  const points = parseRoute(post.mapLatLng);
  if (!points) throw new AppError(422, ROUTE_UNREADABLE);
  const title = fileSafe(post.title).trim() || fallback;
  const ascii = fallback.replace(/[^A-Za-z0-9._-]/g, '_');
  return {
    body: toGpx({ name: post.title, time: now, points }),
    fileName: `${title}.gpx`,
    asciiName: `${ascii}.gpx`,
  };
}

/** RFC 5987's value-chars: what `encodeURIComponent` leaves, less `'()*`. */
const rfc5987 = (text: string) =>
  encodeURIComponent(text).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** Sends the file as a download (RFC 6266 `Content-Disposition` with both names). */
export function sendGpx(res: Response, file: GpxFile): void {
  res
    .status(200)
    .type(GPX_CONTENT_TYPE)
    .set(
      'Content-Disposition',
      `attachment; filename="${file.asciiName}"; filename*=UTF-8''${rfc5987(file.fileName)}`,
    )
    .send(file.body);
}
