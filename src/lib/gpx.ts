import type { Response } from 'express';
import { AppError, notFound } from './errors';
import type { AppContext } from './context';
import { kindKey, readThrough } from './read-cache';
import { parseRoute, type LatLng } from './route';
import { selectRouteRow, type RoutedTable } from './route.queries';

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

/**
 * A GPX document cut around its metadata `time`, the one part that changes with every download:
 * `head`, the time as ISO 8601, then `tail`. Writing the points once and keeping the two parts
 * makes each download two concatenations.
 */
export interface GpxTemplate {
  head: string;
  tail: string;
}

/** The track `name`d with `points` in order, cut around its time. */
export function gpxTemplate(name: string, points: LatLng[]): GpxTemplate {
  const title = xmlText(name);
  const trkpts = points.map(
    (p) => `      <trkpt lat="${decimal(p.lat)}" lon="${decimal(gpxLongitude(p.lng))}"/>`,
  );
  return {
    head: [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<gpx version="1.1" creator="ErunJrun" xmlns="http://www.topografix.com/GPX/1/1">',
      '  <metadata>',
      `    <name>${title}</name>`,
      '    <time>',
    ].join('\n'),
    tail: [
      '</time>',
      '  </metadata>',
      '  <trk>',
      `    <name>${title}</name>`,
      '    <trkseg>',
      ...trkpts,
      '    </trkseg>',
      '  </trk>',
      '</gpx>',
      '',
    ].join('\n'),
  };
}

/** The document made at `time`. */
export const gpxAt = ({ head, tail }: GpxTemplate, time: Date): string =>
  `${head}${time.toISOString()}${tail}`;

/** A route file as it is kept: the document around its time, and its `Content-Disposition`. */
export interface RouteDownload {
  gpx: GpxTemplate;
  disposition: string;
}

/** A route file as it is sent. */
export interface GpxFile {
  body: string;
  disposition: string;
}

/** A title as a file name: controls and path separators become spaces. */
const fileSafe = (text: string) =>
  Array.from(text, (c) => (c < ' ' || c === '\u007f' || c === '/' || c === '\\' ? ' ' : c)).join(
    '',
  );

/** RFC 5987's value-chars: what `encodeURIComponent` leaves, less `'()*`. */
const rfc5987 = (text: string) =>
  encodeURIComponent(text).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * The route of a run or course as a GPX download, everything but its time written: null when
 * the stored route is not a list of points. `fallback` names the file in ASCII (`group-<id>`);
 * the title, Korean as a rule, names it for clients that read RFC 6266's `filename*`.
 */
export function routeDownload(
  post: { title: string; mapLatLng: string | null },
  fallback: string,
): RouteDownload | null {
  const points = parseRoute(post.mapLatLng);
  if (!points) return null;
  const fileName = `${fileSafe(post.title).trim() || fallback}.gpx`;
  const asciiName = `${fallback.replace(/[^A-Za-z0-9._-]/g, '_')}.gpx`;
  return {
    gpx: gpxTemplate(post.title, points),
    // Both names (RFC 6266): the ASCII one for clients that do not read `filename*` (UTF-8).
    disposition: `attachment; filename="${asciiName}"; filename*=UTF-8''${rfc5987(fileName)}`,
  };
}

/**
 * Where the route files of one kind of post (runs, courses) come from: the read cache they are
 * kept in (the detail pages', whose writes are the ones a file shows), the table the row is
 * read from, the ASCII file name's prefix (`<kind>-<id>`), and the error for a missing one.
 */
export interface RouteSource {
  cache: string;
  from: RoutedTable;
  kind: string;
  notFound: () => Error;
}

/**
 * The route files of one table's posts, kept in the read cache `cache`, named `<kind>-<id>` in
 * ASCII, with a 404 saying `missing` when there is none.
 */
export function routeSourceOf(
  from: RoutedTable,
  { cache, kind, missing }: { cache: string; kind: string; missing: string },
): RouteSource {
  return { cache, from, kind, notFound: () => notFound(missing) };
}

/**
 * The route file of the post `id` of `source` made at `now`, through the source's read cache
 * when it is on: what is kept is the document without its time, under the id's `route.gpx`
 * key (beside the detail pages' keys), so the points are written once per second and
 * generation. Missing: the source's `notFound`; a route that is not a list of points: 422
 * with a Korean message.
 */
export async function routeFileThrough(
  ctx: Pick<AppContext, 'now' | 'sequelize'>,
  source: RouteSource,
  id: string,
): Promise<GpxFile> {
  const now = ctx.now();
  const key = kindKey('route.gpx', id);
  const found = await readThrough(ctx.sequelize, source.cache, key, now, async () => {
    const row = await selectRouteRow(ctx.sequelize, source.from, id);
    return row && { download: routeDownload(row, `${source.kind}-${row.id}`) };
  });
  if (!found) throw source.notFound();
  const { download } = found;
  if (!download) throw new AppError(422, ROUTE_UNREADABLE);
  return { body: gpxAt(download.gpx, now), disposition: download.disposition };
}

/** Sends the file as a download. */
export function sendGpx(res: Response, file: GpxFile): void {
  res
    .status(200)
    .type(GPX_CONTENT_TYPE)
    .set('Content-Disposition', file.disposition)
    .send(file.body);
}
