import type { BoundingBox } from '../lib/geo';

/**
 * The near-me search's grid (migration 20261203002200, `Groups.startCell`): latitudes and
 * longitudes cut into steps of 1/{@link PER_DEGREE} degree, numbered from the south pole and
 * the antimeridian, one number per cell. The constants are the migration's and cannot change
 * without a new one.
 */
const PER_DEGREE = 200;
const ROW = 100_000;
const LAT_CELLS = 180 * PER_DEGREE;
const LNG_CELLS = 360 * PER_DEGREE;

/**
 * A box is looked up by its cells while they are at most this many (a box of about 2 km around
 * Korea's latitudes, where a dense place fills a page); a wider one reads the (startLat, …)
 * index's latitude band instead: each cell costs the database a lookup of its own, which in a
 * sparse place costs more than the band (measured on MariaDB at 100,000 runs).
 */
export const MAX_CELLS = 120;

/**
 * How far a start point may sit from a cell's edge and still be counted in either cell: the
 * database computes the cell of the stored DECIMAL exactly (MySQL) or of its REAL (SQLite), the
 * search of a double. In cell units, far above a double's error at these magnitudes.
 */
const SLACK = 1e-6;

const span = (from: number, to: number, cells: number): [number, number] => [
  Math.max(0, Math.floor(from * PER_DEGREE - SLACK)),
  Math.min(cells, Math.floor(to * PER_DEGREE + SLACK)),
];

/** The cell the database stores for a start point (as the generated column computes it). */
export const cellOf = (lat: number, lng: number): number =>
  Math.floor((lat + 90) * PER_DEGREE) * ROW + Math.floor((lng + 180) * PER_DEGREE);

/**
 * The cells that hold every point of the box (and a few around it), or null when they are more
 * than {@link MAX_CELLS}.
 */
export function cellsOf(box: BoundingBox): number[] | null {
  const [latFrom, latTo] = span(box.minLat + 90, box.maxLat + 90, LAT_CELLS);
  const lngSpans = box.lngRanges.map(([min, max]) => span(min + 180, max + 180, LNG_CELLS));
  const width = lngSpans.reduce((sum, [from, to]) => sum + to - from + 1, 0);
  if ((latTo - latFrom + 1) * width > MAX_CELLS) return null;
  const cells: number[] = [];
  for (let lat = latFrom; lat <= latTo; lat += 1) {
    for (const [from, to] of lngSpans) {
      for (let lng = from; lng <= to; lng += 1) cells.push(lat * ROW + lng);
    }
  }
  return cells;
}
