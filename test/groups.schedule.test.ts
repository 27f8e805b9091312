import { fromKst } from '../src/lib/time';
import {
  applyEndTime,
  attendanceIsOpen,
  hasStarted,
  isFarEnoughAhead,
} from '../src/groups/schedule';

const run = { date: '2031-06-10', standbyTime: '07:00:00' };
const at = (date: string, time: string) => fromKst(date, time);

describe('Group run time rules (Korea time, whatever the server time zone)', () => {
  it.each([
    ['three calendar days ahead', '2031-06-07', '23:59:00', '3 일'],
    ['tomorrow morning, even two hours away', '2031-06-09', '23:00:00', '1 일'],
    ['the same day, hours left (truncated)', '2031-06-10', '01:59:00', '5 시간'],
    ['the same day, exactly one hour left', '2031-06-10', '06:00:00', '1 시간'],
    ['the last hour, in minutes', '2031-06-10', '06:01:00', '59 분'],
    ['under a minute left', '2031-06-10', '06:59:30', '1 분'],
    ['at the start: closed', '2031-06-10', '07:00:00', '0 일'],
    ['days after', '2031-06-12', '12:00:00', '0 일'],
  ])('applyEndTime %s', (_label, date, time, expected) => {
    expect(applyEndTime(run, at(date, time))).toBe(expected);
  });

  it('A run has started at its meeting time, not a second before', () => {
    expect(hasStarted(run, at('2031-06-10', '06:59:59'))).toBe(false);
    expect(hasStarted(run, at('2031-06-10', '07:00:00'))).toBe(true);
  });

  it('A new start must be at least six hours ahead', () => {
    expect(isFarEnoughAhead(run, at('2031-06-10', '01:00:00'))).toBe(true);
    expect(isFarEnoughAhead(run, at('2031-06-10', '01:00:01'))).toBe(false);
  });

  it('The attendance sheet opens 30 minutes before the start', () => {
    expect(attendanceIsOpen(run, at('2031-06-10', '06:29:59'))).toBe(false);
    expect(attendanceIsOpen(run, at('2031-06-10', '06:30:00'))).toBe(true);
    expect(attendanceIsOpen(run, at('2031-06-11', '06:30:00'))).toBe(true);
  });
});
