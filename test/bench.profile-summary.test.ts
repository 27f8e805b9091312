import { busyBySecond, ownerOf, selfTimeByOwner } from '../bench/profile-summary';

/** A profile of three functions sampled every 250 ms over three seconds. */
const frame = (functionName: string, url: string) => ({ functionName, url });
const profile = {
  startTime: 0,
  nodes: [
    { id: 1, callFrame: frame('(idle)', '') },
    { id: 2, callFrame: frame('run', 'file:///app/node_modules/sequelize/lib/query.js') },
    { id: 3, callFrame: frame('toDetail', 'file:///app/dist/src/groups/groups.mapper.js') },
    { id: 4, callFrame: frame('writeBuffer', '') },
  ],
  // Second 0 idle; second 1 all busy (sequelize, ours, ours, the socket); second 2 half busy.
  samples: [1, 1, 1, 1, 2, 3, 3, 4, 1, 2, 1, 2],
  timeDeltas: Array.from({ length: 12 }, (_, i) => (i === 0 ? 0 : 250_000)),
};

it('Names who ran a sample: its npm package, our file under dist/, or V8 and Node labels', () => {
  expect(ownerOf(frame('x', 'file:///a/node_modules/@redis/client/dist/index.js'))).toBe(
    '@redis/client',
  );
  expect(ownerOf(frame('x', 'file:///app/dist/src/lib/time.js'))).toBe('src/lib/time.js');
  expect(ownerOf(frame('emit', 'node:events'))).toBe('node:events');
  expect(ownerOf(frame('(garbage collector)', ''))).toBe('(garbage collector)');
});

it("Counts each second's busy share from the samples that are not idle", () => {
  expect(busyBySecond(profile)).toEqual([0, 1, 0.5]);
});

it('Shares a window of seconds out by owner, largest first', () => {
  const { busyMs, shares } = selfTimeByOwner(profile, 1, 3);
  expect(busyMs).toBe(1500);
  expect(shares).toEqual([
    { owner: 'sequelize', share: 3 / 6 },
    { owner: 'src/groups/groups.mapper.js', share: 2 / 6 },
    { owner: 'writeBuffer', share: 1 / 6 },
  ]);
});
