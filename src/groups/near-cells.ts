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
 * A box is looked up cell by cell while its cells are at most this many (a box of about 2 km
 * around Korea's latitudes, where a dense place fills a page): each cell's lookup is a range of
 * the runs not started yet alone. A wider box is read row by row ({@link cellRangesOf}), where
 * a lookup per cell would cost the database more than the started runs a row's range also reads.
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
 * How the database finds the runs of a box by their cells: each cell named (`cells`), or one
 * range of cell numbers per row of the grid and longitude range (`ranges`, first and last).
 */
export type CellLookup = { cells: number[] } | { ranges: Array<[from: number, to: number]> };

/**
 * The cells that hold every point of the box (and a few around it), or null when they are more
 * than {@link MAX_CELLS}.
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
 * The same cells as {@link cellsOf}, whatever their number, as ranges of cell numbers: a row's
 * cells are numbered west to east, so the columns of a longitude range are one range per row
 * (two across the antimeridian). On the startCell index such a range holds the runs in the
 * box's cells only, where the (startLat, …) index's latitude band held every run at the box's
 * latitudes across the whole country; the runs already started in them are in the range too
 * (the date follows the cell in the index), left out in the index.
 */
export function cellRangesOf(box: BoundingBox): Array<[from: number, to: number]> {
  const { latFrom, latTo, lngSpans } = gridOf(box);
  const ranges: Array<[number, number]> = [];
  for (let lat = latFrom; lat <= latTo; lat += 1) {
    for (const [from, to] of lngSpans) ranges.push([lat * ROW + from, lat * ROW + to]);
  }
  return ranges;
}

/** How {@link selectStartsInBox} of `near.queries.ts` reads the box: see {@link MAX_CELLS}. */
export function lookupOf(box: BoundingBox): CellLookup {
  const cells = cellsOf(box);
  return cells ? { cells } : { ranges: cellRangesOf(box) };
}
