import { badRequest } from '../lib/errors';
import type { LatLng } from '../lib/route';
import { validated } from '../lib/validation';
import { parsePage, type PageRequest } from './list-query';
import { GROUP } from './messages';

/**
 * The query string of `GET /group/near?lat=&lng=&radiusKm=&page=&size=`, parsed once at the
 * edge: a position in decimal degrees, a radius in km (default {@link DEFAULT_RADIUS_KM}, at most
 * {@link MAX_RADIUS_KM}) and a page like `/group/all`'s. Anything else is refused with 400.
 */
export interface NearQuery {
  center: LatLng;
  radiusKm: number;
  page: PageRequest;
}

export const DEFAULT_RADIUS_KM = 5;
export const MAX_RADIUS_KM = 50;

type Query = Record<string, unknown>;

/**
 * A plain decimal number (`37.5665`, `-0.5`, `+127`): no exponent, no `Infinity`/`NaN`, no
 * hexadecimal, no repeated key (an array) or object. Undefined when absent or blank.
 */
function decimal(query: Query, name: string, message: string): number | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(message);
  const text = value.trim();
  if (text === '') return undefined;
  if (text.length > 32 || !/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) throw badRequest(message);
  return Number(text);
}

function coordinate(query: Query, name: string, limit: number, message: string): number {
  const value = decimal(query, name, message);
  if (value === undefined) throw badRequest(GROUP.nearLocationMissing);
  if (Math.abs(value) > limit) throw badRequest(message);
  return value;
}

export function parseNearQuery(query: Query): NearQuery {
  const lat = coordinate(query, 'lat', 90, GROUP.badLatitude);
  const lng = coordinate(query, 'lng', 180, GROUP.badLongitude);
  const radiusKm = decimal(query, 'radiusKm', GROUP.badRadius) ?? DEFAULT_RADIUS_KM;
  if (radiusKm <= 0 || radiusKm > MAX_RADIUS_KM) throw badRequest(GROUP.badRadius);
  return { center: { lat, lng }, radiusKm, page: parsePage(query) };
}

/** `GET /group/near`'s typed input (the router checks it, the controller reads it). */
export const getNearGroupsInput = validated([], (req) =>
  parseNearQuery(req.query as Record<string, unknown>),
);
