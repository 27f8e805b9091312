/**
 * Values the SPA computes itself before it sends a post (the API stores them as sent).
 */

/** The course form's running time estimate: `${floor(d / 10)}h ${floor(d % 10) * 6}min`. */
export function courseTotalTime(distanceKm: number): string {
  return `${Math.floor(distanceKm / 10)}h ${Math.floor(distanceKm % 10) * 6}min`;
}
