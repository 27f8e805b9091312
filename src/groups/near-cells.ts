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
 * {@link cellsOf} names a box's cells one by one only while they are at most this many (a box of
 * about 2 km around Korea's latitudes). The search reads a box by its rows instead
 * ({@link cellRangesOf}; a wide one by the latitude band, `near.queries.ts`): measured on
 * MariaDB, a lookup per named cell cost the optimizer more than the few started runs a row's
 * range also reads.
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

/** The box's rows of cells (first and last) and, per longitude range, its columns. */
function gridOf(box: BoundingBox) {
  const [latFrom, latTo] = span(box.minLat + 90, box.maxLat + 90, LAT_CELLS);
  const lngSpans = box.lngRanges.map(([min, max]) => span(min + 180, max + 180, LNG_CELLS));
  return { latFrom, latTo, lngSpans };
}

/**
 * The cells that hold every point of the box (and a few around it), one by one, or null when
 * they are more than {@link MAX_CELLS}: the cells {@link cellRangesOf} covers, for checking
 * the grid against the stored cells of a small box.
 */
export function cellsOf(box: BoundingBox): number[] | null {
  const { latFrom, latTo, lngSpans } = gridOf(box);
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

/**
 * The cells that hold every point of the box (and a few around it) as ranges of cell numbers,
 * in ascending order: a row's cells are numbered west to east, so the columns of a longitude
 * range are one range per row (two across the antimeridian, one at each end of the row). On
 * the startCell index such a range holds the runs of the box's cells only, where the
 * (startLat, …) index's latitude band holds every run at the box's latitudes across the whole
 * country; the runs already started in those cells are in the range too (the date follows the
 * cell in the index) and are left out in the index.
 */
export function cellRangesOf(box: BoundingBox): Array<[from: number, to: number]> {
  const { latFrom, latTo, lngSpans } = gridOf(box);
  const columns = [...lngSpans].sort(([a], [b]) => a - b);
  const ranges: Array<[number, number]> = [];
  for (let lat = latFrom; lat <= latTo; lat += 1) {
    for (const [from, to] of columns) ranges.push([lat * ROW + from, lat * ROW + to]);
  }
  return ranges;
}
