/**
 * Reads a V8 CPU profile written by `npm run bench -- --cpu-prof` (bench/profiles/*.cpuprofile)
 * and prints what the API's main thread did: how busy it was in each second (the samples that
 * are not `(idle)`), and, over a window of seconds, where the busy time went by package (self
 * time: the function that was running, grouped by its npm package, Node's own modules, or our
 * file under dist/).
 *
 *   npx ts-node --transpile-only bench/profile-summary.ts bench/profiles/CPU….cpuprofile
 *   npx ts-node --transpile-only bench/profile-summary.ts <file> --from 10 --to 18 --top 20
 *
 * Without --from/--to the window is every second at least half busy (the load, not the
 * start-up or the gaps between endpoints).
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives: its npm package, a Node module, our file, or V8's own label. */
export function ownerOf({ functionName, url }: ProfileNode['callFrame']): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = url.indexOf('/dist/');
  if (ours >= 0) return url.slice(ours + '/dist/'.length);
  if (url.startsWith('node:')) return url;
  return url ? url.replace(/^.*\//, '') : functionName || '(native)';
}

interface Sample {
  second: number;
  micros: number;
  node: ProfileNode;
}

function samplesOf(profile: CpuProfile): Sample[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  let at = profile.startTime;
  return profile.samples.map((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    return {
      second: Math.floor((at - profile.startTime) / 1e6),
      micros: profile.timeDeltas[i] ?? 0,
      node: byId.get(id) as ProfileNode,
    };
  });
}

const isIdle = (sample: Sample) => sample.node.callFrame.functionName === '(idle)';

/** The busy share of each second of the profile, 0–1. */
export function busyBySecond(profile: CpuProfile): number[] {
  const busy: number[] = [];
  const all: number[] = [];
  for (const sample of samplesOf(profile)) {
    all[sample.second] = (all[sample.second] ?? 0) + sample.micros;
    if (!isIdle(sample)) busy[sample.second] = (busy[sample.second] ?? 0) + sample.micros;
  }
  return Array.from(all, (micros, second) => (micros ? (busy[second] ?? 0) / micros : 0));
}

/** Busy time in seconds [from, to) by owner, largest first, as shares of that busy time. */
export function selfTimeByOwner(profile: CpuProfile, from: number, to: number) {
  const byOwner = new Map<string, number>();
  let total = 0;
  for (const sample of samplesOf(profile)) {
    if (sample.second < from || sample.second >= to || isIdle(sample)) continue;
    const owner = ownerOf(sample.node.callFrame);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + sample.micros);
    total += sample.micros;
  }
  const shares = [...byOwner]
    .map(([owner, micros]) => ({ owner, share: total ? micros / total : 0 }))
    .sort((a, b) => b.share - a.share);
  return { busyMs: total / 1000, shares };
}

function option(argv: string[], name: string): number | undefined {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? Number(argv[at + 1]) : undefined;
}

function main() {
  const argv = process.argv.slice(2);
  const file = argv[0];
  if (!file || file.startsWith('--')) throw new Error('give a .cpuprofile file');
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const busy = busyBySecond(profile);
  const percent = (share: number) => `${(share * 100).toFixed(0)}%`;
  console.log('busy by second:', busy.map((share, s) => `${s}:${percent(share)}`).join(' '));
  const loaded = busy.flatMap((share, second) => (share >= 0.5 ? [second] : []));
  const from = option(argv, 'from') ?? loaded[0] ?? 0;
  const to = option(argv, 'to') ?? (loaded.length ? loaded[loaded.length - 1] + 1 : busy.length);
  const { busyMs, shares } = selfTimeByOwner(profile, from, to);
  console.log(`\nseconds ${from}–${to}: ${busyMs.toFixed(0)} ms busy, self time by owner`);
  for (const { owner, share } of shares.slice(0, option(argv, 'top') ?? 25)) {
    console.log(`${(share * 100).toFixed(1).padStart(5)} %  ${owner}`);
  }
}

if (require.main === module) main();
