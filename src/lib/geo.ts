import type { LatLng } from './route';

/** The mean radius of the Earth (IUGG), in km. */
const EARTH_RADIUS_KM = 6371.0088;
/**
 * Length of one degree of a great circle on that sphere, in km (about 111.2; the often quoted
 * 111.32 is the equator's on the WGS84 ellipsoid). The box below uses the same sphere as the
 * distance, or it could cut off a point the distance keeps.
 */
export const KM_PER_DEGREE = (Math.PI * EARTH_RADIUS_KM) / 180;

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** The great-circle distance between two points (haversine formula), in km. */
export function haversineKm(a: LatLng, b: LatLng): number {
  const dLat = radians(b.lat - a.lat);
  const dLng = radians(b.lng - a.lng);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A rectangle of latitudes and longitudes (see {@link boundingBox}). */
export interface BoundingBox {
  minLat: number;
  maxLat: number;
  /** One range, or two when the box crosses the antimeridian. */
  lngRanges: Array<[min: number, max: number]>;
}

/**
 * The rectangle of latitudes and longitudes that holds every point within `radiusKm` of
 * `center`: a selective, index-friendly prefilter; the exact distance decides after it.
 *
 * - Latitude: center ± r/{@link KM_PER_DEGREE}, clamped to [-90, 90].
 * - Longitude: center ± r/(KM_PER_DEGREE·cos φ), where φ is the box's latitude farthest from the
 *   equator (a degree of longitude is shortest there, so the box is wide enough at every
 *   latitude it spans). When the box reaches a pole, or is wider than the globe, every
 *   longitude is in.
 * - Across the antimeridian (±180°) the longitudes are two ranges, one on each side.
 *
 * The margin is conservative: the great circle never leaves this rectangle for the radii
 * used here (at most 50 km: the box reaches a pole before the margin runs out), as the tests check near the poles and on the antimeridian.
 */
export function boundingBox(center: LatLng, radiusKm: number): BoundingBox {
  const dLat = radiusKm / KM_PER_DEGREE;
  const minLat = Math.max(-90, center.lat - dLat);
  const maxLat = Math.min(90, center.lat + dLat);
  const widest = Math.max(Math.abs(minLat), Math.abs(maxLat));
  const cos = Math.cos(radians(widest));
  const everywhere: BoundingBox = { minLat, maxLat, lngRanges: [[-180, 180]] };
  if (widest >= 90 || cos <= 0) return everywhere;
  const dLng = radiusKm / (KM_PER_DEGREE * cos);
  if (dLng >= 180) return everywhere;
  const west = center.lng - dLng;
  const east = center.lng + dLng;
  if (west < -180)
    return {
      minLat,
      maxLat,
      lngRanges: [
        [west + 360, 180],
        [-180, east],
      ],
    };
  if (east > 180)
    return {
      minLat,
      maxLat,
      lngRanges: [
        [west, 180],
        [-180, east - 360],
      ],
    };
  return { minLat, maxLat, lngRanges: [[west, east]] };
}
