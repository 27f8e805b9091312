import crypto from 'node:crypto';
import type { LatLng } from '../../src/lib/route';

/** The sphere of src/lib/geo.ts, in km. */
const EARTH_RADIUS_KM = 6371.0088;
export const rad = (degrees: number) => (degrees * Math.PI) / 180;
const deg = (radians: number) => (radians * 180) / Math.PI;

/**
 * The point `km` from `from` on the initial bearing `bearing` (degrees) along the great circle
 * (the direct geodesic problem on a sphere), longitude in [-180, 180).
 */
export function destination(from: LatLng, km: number, bearing: number): LatLng {
  const d = km / EARTH_RADIUS_KM;
  const [φ1, λ1, θ] = [rad(from.lat), rad(from.lng), rad(bearing)];
  const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(θ));
  const λ2 =
    λ1 +
    Math.atan2(Math.sin(θ) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2));
  return { lat: deg(φ2), lng: ((deg(λ2) + 540) % 360) - 180 };
}

/**
 * A spot of the test's own, far from every other test's runs (they meet in Seoul): somewhere in
 * the southern oceans, different for every test.
 */
export const ownCenter = (): LatLng => ({
  lat: -55 + crypto.randomInt(40_000) / 1000,
  lng: -170 + crypto.randomInt(300_000) / 1000,
});
