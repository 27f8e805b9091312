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
