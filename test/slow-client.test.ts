import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '../src/lib/http-server';
import { useTestContext, type TestContext } from './support/context';

let ctx: TestContext;
useTestContext((c) => {
  ctx = c;
});

describe('a slow client', () => {
  it('cannot hold a connection by trickling its headers: the server answers 408 and closes', async () => {
    const server = createHttpServer(ctx.app, {
      ...ctx.config.http,
      requestTimeoutMs: 1500,
      headersTimeoutMs: 1000,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const started = Date.now();
      const outcome = await new Promise<{ answer: string; closedAfterMs: number }>((resolve) => {
        let answer = '';
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
          // One header byte every 200 ms: the request never completes on its own.
          const drip = setInterval(() => socket.write('X'), 200);
          socket.on('close', () => {
            clearInterval(drip);
            resolve({ answer, closedAfterMs: Date.now() - started });
          });
        });
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('error', () => undefined);
      });
      expect(outcome.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(outcome.closedAfterMs).toBeLessThan(5000);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
