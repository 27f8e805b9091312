import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { UnavailableError } from './errors';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/**
 * One `GET /metrics` for the whole cluster (`WEB_CONCURRENCY` above 1): whichever worker a
 * scrape reaches asks the primary (ASK, with an id of its own); the primary asks every worker
 * that announced it serves (COLLECT), adds their registries up with prom-client's
 * `AggregatorRegistry.aggregate` and sends the text back (ANSWER). Counters and histograms are
 * summed; each gauge follows its own aggregator: ours (pool, chat sockets) are summed into the
 * cluster's totals, prom-client's process defaults keep theirs (event-loop lag averaged, its
 * min and max taken as such, the version taken from one process, the start time left out).
 *
 * prom-client's own `clusterMetrics()` is not used: it asks every connected worker, one still
 * starting too (which has nobody listening yet, so every scrape during a restart would wait its
 * fixed 5 s and fail), and a request a worker never answered stays in its table for good.
 *
 * Every wait is bounded. A worker that exits meanwhile is left out (its counts went with it);
 * one that does not answer within COLLECT_MS fails the scrape (503) rather than giving a
 * partial sum, which Prometheus would read as a counter reset. A worker whose primary does not
 * answer within ANSWER_MS answers 503 too.
 */

/** Worker → primary: the cluster's metrics, please; primary → worker: here they are. */
export const ASK = 'erunjrun:metrics-ask';
export const ANSWER = 'erunjrun:metrics-answer';
/** Primary → worker: your registry, please; worker → primary: here it is. */
export const COLLECT = 'erunjrun:metrics-collect';
export const COLLECTED = 'erunjrun:metrics-collected';

export const COLLECT_MS = 3_000;
export const ANSWER_MS = 5_000;

/** The answer to a scrape whose processes' counts could not be gathered in time (503). */
export const METRICS_UNAVAILABLE = '메트릭을 모으지 못했습니다. 잠시 후 다시 시도해주세요.';

type ProcessMetrics = MetricObjectWithValues<MetricValue<string>>[];

export interface MetricsMessage {
  type: string;
  id: number;
  /** ANSWER: the cluster's exposition text. */
  text?: string;
  /** COLLECTED: the worker's registry, as `getMetricsAsJSON()` gives it. */
  metrics?: ProcessMetrics;
  /** ANSWER, COLLECTED: why there is nothing. */
  error?: string;
}

const isMetricsMessage = (value: unknown, type: string): value is MetricsMessage =>
  typeof value === 'object' &&
  value !== null &&
  (value as MetricsMessage).type === type &&
  typeof (value as MetricsMessage).id === 'number';

/** The IPC channel of a worker to its primary (`process`). */
export interface PrimaryChannel {
  send?(message: MetricsMessage, callback: (err: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * In a worker: answers the primary's COLLECT with this process's registry, and returns the
 * metrics with an `exposition` that asks the primary for the cluster's (503 when it cannot).
 */
export function shareMetricsWithPrimary(
  metrics: Metrics,
  { channel = process as PrimaryChannel, answerMs = ANSWER_MS } = {},
): Metrics {
  const reply = (message: MetricsMessage) => channel.send?.(message, () => undefined);
  const waiting = new Map<number, (answer: MetricsMessage | null) => void>();
  channel.on('message', (message) => {
    if (isMetricsMessage(message, COLLECT)) {
      const { id } = message;
      metrics.registry.getMetricsAsJSON().then(
        (json) => reply({ type: COLLECTED, id, metrics: json }),
        (err: Error) => reply({ type: COLLECTED, id, error: err.message }),
      );
    } else if (isMetricsMessage(message, ANSWER)) {
      waiting.get(message.id)?.(message);
    }
  });
  let next = 0;
  const exposition = () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const settle = (answer: MetricsMessage | null) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (typeof answer?.text === 'string') resolve(answer.text);
        else reject(new UnavailableError(METRICS_UNAVAILABLE));
      };
      const timer = setTimeout(() => settle(null), answerMs);
      waiting.set(id, settle);
      if (!channel.send) settle(null);
      else {
        channel.send({ type: ASK, id }, (err) => {
          if (err) settle(null);
        });
      }
    });
  return { ...metrics, exposition };
}

/** A collection waiting on one worker: its answer, or the worker's leaving. */
interface Waiting {
  answered(message: MetricsMessage): void;
  gone(): void;
}

/**
 * The collections waiting on each worker, with the worker's one `message` and one `disconnect`
 * listener for all of them (however many scrapes run at once), removed with the last one.
 */
const waitingOn = new WeakMap<Worker, { byId: Map<number, Waiting>; detach(): void }>();

/** Routes `worker`'s answer to collection `id` to `waiting`; returns how to stop waiting. */
function waitOn(worker: Worker, id: number, waiting: Waiting): () => void {
  let entry = waitingOn.get(worker);
  if (!entry) {
    const byId = new Map<number, Waiting>();
    const onMessage = (message: unknown) => {
      if (isMetricsMessage(message, COLLECTED)) byId.get(message.id)?.answered(message);
    };
    const onGone = () => {
      for (const each of [...byId.values()]) each.gone();
    };
    worker.on('message', onMessage);
    worker.on('disconnect', onGone);
    const detach = () => {
      worker.off('message', onMessage);
      worker.off('disconnect', onGone);
      waitingOn.delete(worker);
    };
    entry = { byId, detach };
    waitingOn.set(worker, entry);
  }
  const { byId, detach } = entry;
  byId.set(id, waiting);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    byId.delete(id);
    if (byId.size === 0) detach();
  };
}

/** One worker's registry; nothing when it exits meanwhile, an error when it cannot tell. */
function collectFrom(worker: Worker, id: number, stop: AbortSignal): Promise<ProcessMetrics> {
  return new Promise((resolve, reject) => {
    const finish = () => {
      stopWaiting();
      stop.removeEventListener('abort', onStop);
    };
    // Gone, not connected or unreachable: it serves nothing, so it counts nothing.
    const leave = () => {
      finish();
      resolve([]);
    };
    const stopWaiting = waitOn(worker, id, {
      answered(message) {
        finish();
        if (message.metrics) resolve(message.metrics);
        else reject(new Error(`API process ${worker.process.pid}: ${message.error}`));
      },
      gone: leave,
    });
    const onStop = () => {
      finish();
      reject(new Error(`API process ${worker.process.pid} did not send its metrics in time`));
    };
    stop.addEventListener('abort', onStop, { once: true });
    if (!worker.isConnected()) leave();
    else {
      worker.send({ type: COLLECT, id }, (err: Error | null) => {
        if (err) leave();
      });
    }
  });
}

/** The exposition text of `workers` added up, within `collectMs`. */
export async function collectCluster(workers: Worker[], id: number, collectMs: number) {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), collectMs);
  try {
    const each = await Promise.all(workers.map((worker) => collectFrom(worker, id, stop.signal)));
    return await AggregatorRegistry.aggregate(each).metrics();
  } finally {
    clearTimeout(timer);
    // Whatever is still waiting (another worker failed first) stops listening.
    stop.abort();
  }
}

/**
 * In the primary: answers the workers' ASK with the aggregate of `serving()` (the workers
 * that announced they serve).
 */
export function answerMetricsRequests(
  serving: () => Worker[],
  logger: Logger,
  collectMs = COLLECT_MS,
): void {
  let next = 0;
  cluster.on('message', (from: Worker, message: unknown) => {
    if (!isMetricsMessage(message, ASK)) return;
    const answer = (reply: Omit<MetricsMessage, 'type' | 'id'>) => {
      if (!from.isConnected()) return;
      from.send({ type: ANSWER, id: message.id, ...reply }, () => undefined);
    };
    collectCluster(serving(), next++, collectMs).then(
      (text) => answer({ text }),
      (err: Error) => {
        logger.warn('metrics of the API processes not gathered', { error: err.message });
        answer({ error: err.message });
      },
    );
  });
}
