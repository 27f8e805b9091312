import crypto from 'node:crypto';
import { Group } from '../../src/db/models';
import * as groupsQueries from '../../src/groups/groups.queries';
import { PROBE_LIMIT } from '../../src/groups/search.queries';
import { ROUTE } from './groups';

/** Helpers of the probed group search's tests (`src/groups/probe.ts`). */

export type RunSpec = {
  day: number;
  time: string;
  region: number;
  thema: string;
  distance?: number;
};

/** Runs written in one statement (days counted from the window's first day). */
export async function makeRuns(
  hostId: string,
  at: (days: number) => string,
  specs: RunSpec[],
): Promise<string[]> {
  const rows = specs.map(({ day, time, distance, ...codes }, i) => ({
    ...codes,
    groupId: crypto.randomUUID(),
    userId: hostId,
    mapLatLng: JSON.stringify(ROUTE),
    title: `probe ${i}`,
    maxPeople: 10,
    date: at(day),
    standbyTime: time,
    finishTime: '23:00:00',
    distance: distance ?? 5 + (i % 4) * 5,
    speed: `5'30" km/h`,
    location: '강원 춘천시',
    timecode: 1 + (i % 6),
    chattingRoom: 'https://open.kakao.com/o/abc',
  }));
  await Group.bulkCreate(rows);
  return rows.map((row) => row.groupId);
}

/**
 * The probes run while `work` runs: how many runs each found (0 for an empty page's, whose
 * total is not read), null for one that found many.
 */
export async function probes(work: () => Promise<unknown>): Promise<Array<number | null>> {
  const spies = [
    jest.spyOn(groupsQueries, 'selectProbedCards'),
    jest.spyOn(groupsQueries, 'selectProbedIds'),
  ];
  await work();
  const calls = spies.flatMap((spy) =>
    spy.mock.results.map((r, i) => [spy.mock.invocationCallOrder[i], r.value] as const),
  );
  calls.sort(([a], [b]) => a - b);
  const found = await Promise.all(calls.map(([, value]) => value as Promise<unknown>));
  spies.forEach((spy) => spy.mockRestore());
  return found.map((r) => {
    const n = Array.isArray(r) ? r.length : ((r as { probed?: number } | null)?.probed ?? 101);
    return n > PROBE_LIMIT ? null : n;
  });
}
