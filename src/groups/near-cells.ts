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
 * The cells that hold every point of the box (and a few around it) as ranges of cell numbers,
 * in ascending order: a row's cells are numbered west to east, so the columns of a longitude
 * range are one range per row (two across the antimeridian, one at each end of the row). On
 * the startCell index such a range holds the runs of the box's cells only, where the
 * (startLat, …) index's latitude band holds every run at the box's latitudes across the whole
 * country; the runs already started in those cells are in the range too (the date follows the
 * cell in the index) and are left out in the index. Rows rather than the cells one by one:
 * measured on MariaDB, a lookup per cell cost the optimizer more than the few started runs a
 * row's range also reads.
 */
export function cellRangesOf(box: BoundingBox): Array<[from: number, to: number]> {
  const [latFrom, latTo] = span(box.minLat + 90, box.maxLat + 90, LAT_CELLS);
  const columns = box.lngRanges
    .map(([min, max]) => span(min + 180, max + 180, LNG_CELLS))
    .sort(([a], [b]) => a - b);
  const ranges: Array<[number, number]> = [];
  for (let lat = latFrom; lat <= latTo; lat += 1) {
    for (const [from, to] of columns) ranges.push([lat * ROW + from, lat * ROW + to]);
  }
  return ranges;
}
