/** A course's route as the SPA draws it: the map points, in order. */
export interface LatLng {
  lat: number;
  lng: number;
}

const inRange = (value: unknown, limit: number): value is number =>
  typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit;

/**
 * The route from what the SPA sends (`JSON.stringify([{lat,lng},…])`, or the array itself in a
 * JSON body): at least one point, each with a real latitude and longitude. Only `lat` and `lng`
 * are kept. Null when it is anything else.
 */
export function parseRoute(value: unknown): LatLng[] | null {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return null;
  const points: LatLng[] = [];
  for (const point of parsed as unknown[]) {
    if (typeof point !== 'object' || point === null) return null;
    const { lat, lng } = point as Record<string, unknown>;
    if (!inRange(lat, 90) || !inRange(lng, 180)) return null;
    points.push({ lat, lng });
  }
  return points;
}

/** Decimal places a start point is stored with (DECIMAL(9,6): about 11 cm). */
const START_POINT_DECIMALS = 6;
const toStored = (value: number) => Number(value.toFixed(START_POINT_DECIMALS));

/**
 * Where a route starts, as stored in a run's own columns (`startLat`, `startLng`) for the
 * near-me search: its first point, rounded to the columns' precision. Null when the route
 * cannot be read (such a run is never found by distance).
 */
export function startPointOf(route: unknown): LatLng | null {
  const points = parseRoute(route);
  if (!points) return null;
  return { lat: toStored(points[0].lat), lng: toStored(points[0].lng) };
}
