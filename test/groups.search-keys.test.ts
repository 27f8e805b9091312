import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { searchKeys } from '../src/groups/search';
import { createFields, GUEST, member, postGroup, useCalendarContext } from './support/groups';

/**
 * A search naming a few combinations of region, theme, time slot and distance band reads runs
 * by `Groups.searchKey`, which the database computes from the run's row: created or edited
 * through the API, a run is found by the search of its current codes and no longer by its old.
 */
const file = useCalendarContext();

const storedKey = async (groupId: string) => {
  const [row] = await file.ctx.sequelize.query<{ searchKey: number | string }>(
    'SELECT `searchKey` FROM `Groups` WHERE `groupId` = ?',
    { type: QueryTypes.SELECT, replacements: [groupId] },
  );
  return Number(row.searchKey);
};

const found = async (groupId: string, search: string) => {
  const res = await request(file.ctx.app).get(`/group/all?${search}&page=1&size=100`).set(GUEST);
  expect(res.status).toBe(200);
  return (res.body.data as Array<{ groupId: string }>).some((g) => g.groupId === groupId);
};

const theme = (name: string) => `thema=${encodeURIComponent(`${name}/`)}`;

describe('The stored search key', () => {
  it('follows a run created and edited through the API, and its searches find it', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    // 서울 (1), 강변, 19:30 (slot 5), 5.25 km (band 2).
    const created = await postGroup(file.ctx, host.headers, createFields(at(3)));
    expect(created.status).toBe(201);
    const { groupId } = created.body as { groupId: string };
    const before = `region=1&${theme('강변')}&time=5/&distance=2/`;
    expect(
      searchKeys({ regions: [1], themes: ['강변'], timeSlots: [5], distanceBands: [2] }),
    ).toEqual([await storedKey(groupId)]);
    expect(await found(groupId, before)).toBe(true);

    const edited = await request(file.ctx.app)
      .patch(`/group/${groupId}`)
      .set(host.headers)
      .field('thema', '트랙')
      .field('distance', '21.1')
      .field('location', '제주특별자치도 제주시 연동')
      .field('standbyTime', '06:00');
    expect(edited.status).toBe(200);
    expect(
      searchKeys({ regions: [9], themes: ['트랙'], timeSlots: [2], distanceBands: [4] }),
    ).toEqual([await storedKey(groupId)]);
    expect(await found(groupId, before)).toBe(false);
    expect(await found(groupId, `region=9&${theme('트랙')}&distance=4/`)).toBe(true);
    expect(await found(groupId, `time=2/&${theme('트랙')}`)).toBe(true);
    expect(await found(groupId, `region=9&${theme('산')}&distance=4/`)).toBe(false);
  });
});
