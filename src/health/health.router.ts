import { Router, type RequestHandler } from 'express';
import type { AppContext } from '../lib/context';

type State = 'up' | 'down';

const TIMEOUT_MS = 2000;

async function probe(check: () => Promise<unknown>): Promise<State> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /health` and `GET /health/ready` (readiness): 200 when the database and the key store
 * both answer, 503 otherwise, with the state of each so an operator (or a load balancer) sees
 * which one is down. `GET /health/live` (liveness) only shows that the process answers: it does
 * no I/O at all, so an outage of a dependency never gets a healthy process restarted.
 */
export function healthRouter(ctx: Pick<AppContext, 'sequelize' | 'store'>): Router {
  const router = Router();
  router.get('/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const ready: RequestHandler = async (_req, res) => {
    const [database, store] = await Promise.all([
      probe(() => ctx.sequelize.query('SELECT 1')),
      probe(() => ctx.store.ping()),
    ]);
    const healthy = database === 'up' && store === 'up';
    res.status(healthy ? 200 : 503).json({
      success: healthy,
      status: healthy ? 'ok' : 'degraded',
      database: { status: database, dialect: ctx.sequelize.getDialect() },
      store: { status: store, kind: ctx.store.kind },
    });
  };
  // Two routes, not one with both paths: each is counted under its own template.
  router.get('/', ready);
  router.get('/ready', ready);
  return router;
}
