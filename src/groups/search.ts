import { Op, type WhereOptions } from 'sequelize';
import type { SearchFilters } from './list-query';

/**
 * Distance bands of the filter and of users' preferences, in km: 1 under 5, 2 from 5 to under
 * 10, 3 from 10 to under 15, 4 from 15. Half-open, so a 5.0 km run is in band 2 only (the
 * original's BETWEEN put it in both, and missed 9–10 km for preferences).
 */
export function distanceBandWhere(band: number): WhereOptions {
  const from = (band - 1) * 5;
  return band >= 4
    ? { distance: { [Op.gte]: from } }
    : { distance: { [Op.gte]: from, [Op.lt]: from + 5 } };
}

/** The filters as conditions on `Groups` (the time window is added by the caller). */
export function searchWhere(filters: SearchFilters): WhereOptions[] {
  const where: WhereOptions[] = [];
  if (filters.dateFrom) where.push({ date: { [Op.gte]: filters.dateFrom } });
  if (filters.dateTo) where.push({ date: { [Op.lte]: filters.dateTo } });
  if (filters.regions) where.push({ region: filters.regions });
  if (filters.timeSlots) where.push({ timecode: filters.timeSlots });
  if (filters.themes) where.push({ thema: filters.themes });
  if (filters.distanceBands) {
    where.push({ [Op.or]: filters.distanceBands.map(distanceBandWhere) });
  }
  return where;
}
