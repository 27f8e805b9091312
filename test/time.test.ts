import {
  formatDetailDate,
  formatListDate,
  fromKst,
  isCalendarDate,
  kstDate,
  kstDateTime,
  kstDaysUntil,
  kstTime,
  normalizeTime,
  relativeTime,
  storedInstant,
} from '../src/lib/time';

const at = (iso: string) => new Date(iso);

describe('Korea time', () => {
  it('reads the Korean wall clock of an instant whatever the process time zone', () => {
    // 2022-06-09 22:30 UTC is already 2022-06-10 07:30 in Seoul.
    const instant = at('2022-06-09T22:30:05Z');
    expect(kstDate(instant)).toBe('2022-06-10');
    expect(kstTime(instant)).toBe('07:30:05');
    expect(kstDateTime(instant)).toBe('2022-06-10 07:30:05');
  });

  it('reads a stored DATETIME of a raw row: a Date as is, SQLite text at its offset', () => {
    const instant = at('2026-12-03T07:11:31.123Z');
    expect(storedInstant(instant)).toBe(instant);
    expect(storedInstant('2026-12-03 07:11:31.123 +00:00').toISOString()).toBe(
      '2026-12-03T07:11:31.123Z',
    );
    expect(storedInstant('2026-12-03 16:11:31 +09:00').toISOString()).toBe(
      '2026-12-03T07:11:31.000Z',
    );
    expect(storedInstant('2026-12-02 21:41:31.5 -09:30').toISOString()).toBe(
      '2026-12-03T07:11:31.500Z',
    );
    expect(storedInstant('2026-12-03 07:11:31').toISOString()).toBe('2026-12-03T07:11:31.000Z');
  });

  it('turns a Korean date and time into the right instant', () => {
    expect(fromKst('2022-06-10', '07:00').toISOString()).toBe('2022-06-09T22:00:00.000Z');
    expect(fromKst('2022-06-10', '24:00').toISOString()).toBe('2022-06-10T15:00:00.000Z');
    expect(() => fromKst('10/06/2022', '07:00')).toThrow(RangeError);
  });

  it('formats list and detail dates with Korean weekdays', () => {
    expect(formatListDate('2022-06-10', '07:00:00')).toBe('2022.06.10 (금) 07:00');
    expect(formatDetailDate('2023-06-01', '17:25:00')).toBe('2023년 06월 01일 목요일 17시 25분');
  });

  it('normalises meeting times and rejects impossible ones', () => {
    expect(normalizeTime('7:05')).toBe('07:05:00');
    expect(normalizeTime('17:25:30')).toBe('17:25:30');
    expect(normalizeTime('24:00')).toBeNull();
    expect(normalizeTime('12:60')).toBeNull();
    expect(normalizeTime('noon')).toBeNull();
  });

  it('accepts only real calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2023-2-1')).toBe(false);
  });

  it('counts calendar days in Korea, not in UTC', () => {
    // 23:30 on June 9th in Seoul: the run on June 10th is tomorrow.
    const now = at('2022-06-09T14:30:00Z');
    expect(kstDaysUntil('2022-06-10', now)).toBe(1);
    expect(kstDaysUntil('2022-06-09', now)).toBe(0);
    expect(kstDaysUntil('2022-06-01', now)).toBe(-8);
  });

  describe('edge values', () => {
    it('reads the Korean wall clock across day, month, year and leap-day boundaries', () => {
      // 14:59:59 UTC is 23:59:59 in Seoul; one second later it is the next day there.
      expect(kstDateTime(at('2023-12-31T14:59:59Z'))).toBe('2023-12-31 23:59:59');
      expect(kstDateTime(at('2023-12-31T15:00:00Z'))).toBe('2024-01-01 00:00:00');
      expect(kstDateTime(at('2024-02-28T15:00:00Z'))).toBe('2024-02-29 00:00:00');
      expect(kstDateTime(at('2024-02-29T15:00:00Z'))).toBe('2024-03-01 00:00:00');
      expect(kstDateTime(at('2023-02-28T15:00:00Z'))).toBe('2023-03-01 00:00:00');
      expect(kstDateTime(at('2000-02-29T03:04:05.999Z'))).toBe('2000-02-29 12:04:05');
      expect(kstDateTime(at('1969-12-31T14:59:59Z'))).toBe('1969-12-31 23:59:59');
    });

    it('formats midnight, leap days and the turn of the year with their weekdays', () => {
      expect(formatListDate('2024-02-29', '00:00:00')).toBe('2024.02.29 (목) 00:00');
      expect(formatListDate('2023-12-31', '23:59:59')).toBe('2023.12.31 (일) 23:59');
      expect(formatListDate('2024-01-01', '0:05')).toBe('2024.01.01 (월) 00:05');
      expect(formatDetailDate('2100-03-01', '09:30')).toBe('2100년 03월 01일 월요일 09시 30분');
    });

    it('rolls over out-of-range fields as before, and rejects anything not written fixed-width', () => {
      expect(fromKst('2024-02-30', '00:00').toISOString()).toBe('2024-02-29T15:00:00.000Z');
      expect(fromKst('2023-12-31', '24:30').toISOString()).toBe('2023-12-31T15:30:00.000Z');
      expect(fromKst('2024-03-01').toISOString()).toBe('2024-02-29T15:00:00.000Z');
      for (const [date, time] of [
        ['2024-2-29', '07:00'],
        ['2024-02-29 ', '07:00'],
        ['2024-02-2x', '07:00'],
        ['2024/02/29', '07:00'],
        ['2024-02-29', '7'],
        ['2024-02-29', '07:0'],
        ['2024-02-29', '07:00:0'],
        ['2024-02-29', '107:00'],
        ['2024-02-29', '07-00'],
        ['2024-02-29', '+7:00'],
      ]) {
        expect(() => fromKst(date, time)).toThrow(RangeError);
      }
    });

    it('normalises and checks times and dates at their limits', () => {
      expect(normalizeTime(' 0:00 ')).toBe('00:00:00');
      expect(normalizeTime('23:59:59')).toBe('23:59:59');
      expect(normalizeTime('23:59:60')).toBeNull();
      expect(normalizeTime('7:5')).toBeNull();
      expect(normalizeTime('07:00:')).toBeNull();
      expect(isCalendarDate('2000-02-29')).toBe(true);
      expect(isCalendarDate('2100-02-29')).toBe(false);
      expect(isCalendarDate('2023-12-31')).toBe(true);
      expect(isCalendarDate('2023-13-01')).toBe(false);
      expect(isCalendarDate('2023-04-31')).toBe(false);
      expect(isCalendarDate('2023-04-00')).toBe(false);
      expect(isCalendarDate('2023-04-01T')).toBe(false);
    });

    it('counts days across a month and a year boundary at Korean midnight', () => {
      const lastSecond = at('2023-12-31T14:59:59Z');
      expect(kstDaysUntil('2024-01-01', lastSecond)).toBe(1);
      expect(kstDaysUntil('2024-01-01', at('2023-12-31T15:00:00Z'))).toBe(0);
      expect(kstDaysUntil('2024-03-01', at('2024-02-27T15:00:00Z'))).toBe(2);
    });
  });

  describe('relative time', () => {
    const now = at('2023-06-10T12:00:00Z');
    const before = (ms: number) => new Date(now.getTime() - ms);
    const MIN = 60_000;

    it.each([
      [30_000, '방금 전'],
      [5 * MIN, '5분 전'],
      [59 * MIN, '59분 전'],
      [60 * MIN, '1시간 전'],
      [23 * 60 * MIN, '23시간 전'],
      [2 * 24 * 60 * MIN, '2일 전'],
    ])('%i ms ago reads %s', (ms, expected) => {
      expect(relativeTime(before(ms), now)).toBe(expected);
    });

    it('shows the Korean month and day within a year, and the year after that', () => {
      expect(relativeTime(at('2023-06-02T16:00:00Z'), now)).toBe('6월 3일');
      expect(relativeTime(at('2021-06-02T16:00:00Z'), now)).toBe('2021년 6월 3일');
    });
  });
});
