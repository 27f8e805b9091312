/**
 * The app's clock in a test. It runs with real time until `set` stops it at an instant;
 * `advance` moves it (a stopped clock moves from where it stands, a running one runs that much
 * ahead of real time); `reset` makes it real time again.
 */
export interface TestClock {
  set(at: Date | string | number): void;
  advance(seconds: number): void;
  reset(): void;
  now(): Date;
}

export function testClock(): TestClock {
  let stoppedAt: number | null = null;
  let aheadMs = 0;
  return {
    set(at) {
      stoppedAt = new Date(at).getTime();
      aheadMs = 0;
    },
    advance(seconds) {
      if (stoppedAt === null) aheadMs += seconds * 1000;
      else stoppedAt += seconds * 1000;
    },
    reset() {
      stoppedAt = null;
      aheadMs = 0;
    },
    now() {
      return new Date(stoppedAt ?? Date.now() + aheadMs);
    },
  };
}
