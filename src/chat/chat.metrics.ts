import { Gauge } from 'prom-client';
import { METRIC_PREFIX, metricsOnce } from '../lib/metrics';

/** Chat connections open on this process (every chat server attached to the same registry). */
export const chatMetricsOf = metricsOnce((registry) => ({
  sockets: new Gauge({
    name: `${METRIC_PREFIX}chat_sockets_open`,
    help: 'Chat (socket.io) connections open on this process.',
    registers: [registry],
  }),
}));
