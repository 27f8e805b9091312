import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { io as ioClient, type Socket } from 'socket.io-client';
import { startSession } from '../src/auth/sessions';
import { bootstrap } from '../src/bootstrap';
import type { ChatMessage } from '../src/chat/chat.mapper';
import { loadConfig, prepareEmbeddedSecrets } from '../src/config';
import { METRICS_UNAVAILABLE } from '../src/lib/cluster-metrics';
import { Applier } from '../src/db/models';
import { spawnCollecting } from './support/app-process';
import { makeGroup } from './support/groups';
import { sample } from './support/prometheus';
import { embeddedChildEnv, REPO_ROOT } from './support/test-env';
import { makeUser } from './support/users';
import { freePort, PrivateRedis } from './support/redis-server';

/**
 * The built API server and worker as the operator runs them: `npm start` stopped by SIGTERM to
 * npm (a process manager) or SIGINT to its process group (Ctrl-C) stops the server gracefully,
 * npm exits with the server's status and no process of the tree is left; a busy port stops a
 * process with one error line. Each process runs embedded on a data folder of its own, whatever
 * backend the suite runs on.
 *
 * `npm start` builds first (`prestart`); the build is run once here (incremental: quick when
 * `dist` is current), then `npm start --ignore-scripts` runs the start script itself through npm.
 */
jest.setTimeout(240_000);

const run = promisify(execFile);
/** A first build on a loaded two-core machine takes minutes; an up-to-date one, seconds. */
const BUILD_MS = 400_000;
const folders: string[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  await run('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, timeout: BUILD_MS }).catch(
    (err: Error & { stdout?: string; stderr?: string; signal?: string }) => {
      const how = err.signal ? ` (stopped by ${err.signal} after ${BUILD_MS} ms)` : '';
      throw new Error(`npm run build failed${how}: ${err.stdout ?? ''}${err.stderr ?? ''}`);
    },
  );
}, BUILD_MS + 10_000);

afterAll(() => {
  for (const child of children) {
    // Whatever a failed test left (an orphaned server keeps the group's id after npm exits):
    // the group each child leads (detached), by its own id.
    if (child.pid && processGroup(child.pid).length > 0) process.kill(-child.pid, 'SIGKILL');
  }
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  dataDir: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A process leading its own group (as a terminal's foreground job), on a fresh data folder. */
function start(command: string, args: string[], env: Record<string, string>): Started {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-process-'));
  folders.push(dataDir);
  const { child, output } = spawnCollecting(command, args, dataDir, env, true);
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, dataDir, output, exited };
}

async function until<T>(what: string, probe: () => T | null | Promise<T | null>, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function within<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The processes of a process group, read from /proc (field 5 of `stat` is the group id). */
function processGroup(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) may hold spaces: fields are counted after its ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) members.push(Number(entry));
    } catch {
      // exited while being read
    }
  }
  return members;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('npm start', () => {
  const stops: Array<[string, (npm: number) => void]> = [
    ['SIGTERM to npm (a process manager)', (npm) => process.kill(npm, 'SIGTERM')],
    ['SIGINT to its process group (Ctrl-C)', (npm) => process.kill(-npm, 'SIGINT')],
  ];

  it.each(stops)(
    'Prints the URL it listens on; %s stops the server gracefully, npm exits 0 and no process is left',
    async (_how, stop) => {
      const port = await freePort();
      const server = start('npm', ['start', '--ignore-scripts'], { PORT: String(port) });
      const npm = server.child.pid!;

      // Its log line reaches us through npm's pipe, which may be after its first answer.
      const said = `ErunJrun API listening on http://localhost:${port}`;
      await until(
        'the server to answer and say where it listens',
        async () =>
          (await fetch(`http://127.0.0.1:${port}/health`)).status === 200 &&
          server.output().includes(said),
        60_000,
      );
      const listening = server
        .output()
        .split('\n')
        .filter((line) => line.includes(said));
      expect(listening).toHaveLength(1);
      expect(JSON.parse(listening[0])).toMatchObject({ level: 'info', port });

      const tree = processGroup(npm);
      // npm and the server (`exec` replaces the shell npm runs the script with).
      expect(tree.length).toBeGreaterThanOrEqual(2);
      expect(tree).toContain(npm);

      stop(npm);
      const exit = await within('npm to exit', server.exited, 20_000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(server.output()).toContain('"message":"stopped"');
      expect(await portOpen(port)).toBe(false);
      // Every process of the tree is gone: an orphaned server would keep the group's id.
      await until('the group to be empty', () => processGroup(npm).length === 0, 5_000);
      expect(tree.filter(alive)).toEqual([]);
    },
  );
});

/**
 * One request, on a connection of its own unless an agent is given (the primary of a cluster
 * picks a worker per connection).
 */
function fresh(port: number, path: string, method = 'GET', body?: string, agent?: http.Agent) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const options = { host: '127.0.0.1', port, path, method, agent: agent ?? false };
    const req = http.request(options, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const jsonLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const readyWorkers = (output: string) =>
  jsonLines(output)
    .filter((line) => line.event === 'ready')
    .map((line) => Number(line.pid));

describe('WEB_CONCURRENCY=2', () => {
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });
  afterAll(() => redis.stop());

  /** Two API processes on a free port, their access lines logged. */
  async function startCluster() {
    const port = await freePort();
    const server = start(process.execPath, ['dist/src/server.js'], {
      PORT: String(port),
      WEB_CONCURRENCY: '2',
      REDIS_URL: redis.url,
      LOG_LEVEL: 'http',
    });
    return { port, server };
  }

  /** Waits for the primary's start-up line: every process serves. */
  const clusterServes = (server: ReturnType<typeof start>, port: number) =>
    until(
      'the cluster to start',
      () => server.output().includes(`ErunJrun API listening on http://localhost:${port}`),
      90_000,
    );

  it('Is refused at start without REDIS_URL, with a message naming both settings', async () => {
    const proc = start(process.execPath, ['dist/src/server.js'], { WEB_CONCURRENCY: '2' });
    const exit = await within('the process to exit', proc.exited, 30_000);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(proc.output()).toContain(
      'WEB_CONCURRENCY above 1 needs REDIS_URL: chat rooms are shared between API processes through Redis',
    );
  });

  it('Stops with exit 1 and nothing left when its processes cannot start (no database)', async () => {
    const proc = start(process.execPath, ['dist/src/server.js'], {
      PORT: String(await freePort()),
      WEB_CONCURRENCY: '2',
      REDIS_URL: redis.url,
      DB_URL: `mysql://root@127.0.0.1:${await freePort()}/erunjrun_nowhere`,
      JWT_SECRET: 'a-test-secret-a-test-secret-a-test-secret',
      PHONE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    const exit = await within('the primary to exit', proc.exited, 60_000);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(proc.output()).toContain('an API process could not start; stopping the others');
    expect(proc.output()).not.toContain('ErunJrun API listening on');
    await until('every process to end', () => processGroup(proc.child.pid!).length === 0, 10_000);
  });

  it('Answers from two processes, keeps a polling chat session on its process, carries chat between processes, replaces a crashed one and drains on SIGTERM', async () => {
    const { port, server } = await startCluster();
    const primary = server.child.pid!;
    // The primary listens before its processes serve: a connection made then waits for the
    // first that does (handed to one still starting, it would never be answered).
    await until('the port to open', () => portOpen(port), 60_000);
    const early = fresh(port, '/health');
    await clusterServes(server, port);
    expect((await within('the early answer', early, 30_000)).status).toBe(200);
    const listening = server
      .output()
      .split('\n')
      .filter((line) => line.includes('ErunJrun API listening on'));
    expect(listening).toHaveLength(1);
    const workers = readyWorkers(server.output());
    expect(new Set(workers).size).toBe(2);
    expect(workers).not.toContain(primary);

    // Connections go to the workers in turn: the access log names both.
    for (let i = 0; i < 6; i += 1) expect((await fresh(port, '/health')).status).toBe(200);
    const answered = () =>
      jsonLines(server.output())
        .filter((line) => line.level === 'http' && String(line.message).includes('GET /health'))
        .map((line) => Number(line.pid));
    await until('six access lines', () => answered().length >= 6, 5_000);
    expect(new Set(answered())).toEqual(new Set(workers));

    // The SPA's socket.io client starts on long-polling: every request of a session reaches
    // the process that holds it (elsewhere: 400 "Session ID unknown"), on a new connection
    // (the primary routes by the session id) and on a kept-alive connection that another
    // process serves (which passes it on).
    const bound = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const handshake = async (agent?: http.Agent) => {
      const res = await fresh(port, '/socket.io/?EIO=4&transport=polling', 'GET', undefined, agent);
      expect(res.status).toBe(200);
      return (JSON.parse(res.text.slice(1)) as { sid: string }).sid;
    };
    const workerOf = (sid: string) => sid.split('.')[0];
    const here = workerOf(await handshake(bound));
    let sid = await handshake();
    for (let i = 0; i < 5 && workerOf(sid) === here; i += 1) sid = await handshake();
    expect(workerOf(sid)).not.toBe(here);
    const pong = `/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    for (let i = 0; i < 4; i += 1) {
      expect(await fresh(port, pong, 'POST', '3')).toEqual({ status: 200, text: 'ok' });
      expect(await fresh(port, pong, 'POST', '3', bound)).toEqual({ status: 200, text: 'ok' });
    }
    bound.destroy();

    // Chat between clients of two processes, on the SPA's transports (polling, then WebSocket).
    const runtime = await bootstrap(
      prepareEmbeddedSecrets(
        loadConfig({
          ...embeddedChildEnv(server.dataDir),
          REDIS_URL: redis.url,
          LOG_LEVEL: 'error',
        }),
      ),
    );
    const sockets: Socket[] = [];
    try {
      const [host, runner] = [await makeUser(), await makeUser()];
      const run = await makeGroup(host); // the host applies too
      await Applier.create({ groupId: run.groupId, userId: runner.userId });
      const join = async (userId: string) => {
        const { token } = await startSession(runtime, userId);
        const socket = ioClient(`http://127.0.0.1:${port}`, {
          auth: { token },
          forceNew: true,
          reconnection: false,
        });
        sockets.push(socket);
        const list = new Promise((resolve) => socket.once('chatList', resolve));
        socket.emit('chatRoom', run.groupId, userId);
        await within('the chat list', list, 10_000);
        return socket;
      };
      const hostSocket = await join(host.userId);
      const workerOfSocket = (socket: Socket) => workerOf(socket.io.engine.id);
      let runnerSocket = await join(runner.userId);
      for (
        let i = 0;
        i < 5 && workerOfSocket(runnerSocket) === workerOfSocket(hostSocket);
        i += 1
      ) {
        runnerSocket.disconnect();
        runnerSocket = await join(runner.userId);
      }
      expect(workerOfSocket(runnerSocket)).not.toBe(workerOfSocket(hostSocket));
      const received = new Promise<ChatMessage>((resolve) =>
        hostSocket.once('chatMessage', resolve),
      );
      runnerSocket.emit('reqMessage', run.groupId, runner.userId, '다른 프로세스에서 안녕');
      expect(await within('the message', received, 10_000)).toMatchObject({
        userId: runner.userId,
        message: '다른 프로세스에서 안녕',
      });
    } finally {
      for (const socket of sockets) socket.disconnect();
      await runtime.close();
    }

    // A worker killed outright is replaced, and the API keeps answering meanwhile: while the
    // replacement starts (and nobody listens in it yet), every connection goes to the worker
    // that serves; one handed to the starting worker would never be answered.
    process.kill(workers[0], 'SIGKILL');
    await until(
      'the primary to see the exit',
      () => server.output().includes('API process exited; starting another'),
      10_000,
    );
    const meanwhile: Array<Promise<number>> = [];
    const restartDeadline = Date.now() + 60_000;
    while (readyWorkers(server.output()).length < 3 && Date.now() < restartDeadline) {
      meanwhile.push(
        within('an answer while a worker restarts', fresh(port, '/health'), 5_000).then(
          (answer) => answer.status,
          () => 0,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(readyWorkers(server.output())).toHaveLength(3);
    expect(meanwhile.length).toBeGreaterThan(5);
    expect(await Promise.all(meanwhile)).toEqual(meanwhile.map(() => 200));
    const now = readyWorkers(server.output()).slice(1);
    expect(now.filter(alive)).toHaveLength(2);
    for (let i = 0; i < 4; i += 1) expect((await fresh(port, '/health')).status).toBe(200);

    // SIGTERM: every worker drains and stops, then the primary exits 0 and nothing is left.
    const tree = [primary, ...now];
    process.kill(primary, 'SIGTERM');
    const exit = await within('the primary to exit', server.exited, 30_000);
    expect(exit).toEqual({ code: 0, signal: null });
    const stopped = jsonLines(server.output()).filter((line) => line.message === 'stopped');
    expect(stopped.map((line) => line.pid ?? primary).sort()).toEqual([...tree].sort());
    expect(await portOpen(port)).toBe(false);
    await until('every process to end', () => tree.filter(alive).length === 0, 5_000);
  });
  it("Answers /metrics from either process with the whole cluster's counts, and 503 within its bound while a process cannot answer", async () => {
    const { port, server } = await startCluster();
    await clusterServes(server, port);
    const workers = readyWorkers(server.output());
    expect(new Set(workers).size).toBe(2);
    const answeredBy = (path: string) =>
      jsonLines(server.output())
        .filter((line) => line.level === 'http' && String(line.message).includes(`GET ${path} `))
        .map((line) => Number(line.pid));

    // Requests on connections of their own: the workers answer them in turn.
    const sent = 9;
    for (let i = 0; i < sent; i += 1) expect((await fresh(port, '/health/live')).status).toBe(200);
    await until('the access lines', () => answeredBy('/health/live').length >= sent, 5_000);
    expect(new Set(answeredBy('/health/live'))).toEqual(new Set(workers));

    // Every scrape, whichever process answers it, counts all of them (one process's share alone
    // would be about half).
    const live = { method: 'GET', route: '/health/live', status: '200' };
    const scrapes = 6;
    for (let i = 0; i < scrapes; i += 1) {
      const { status, text } = await fresh(port, '/metrics');
      expect(status).toBe(200);
      expect(sample(text, 'erunjrun_http_requests_total', live)).toBe(sent);
      expect(sample(text, 'erunjrun_http_request_duration_seconds_count', live)).toBe(sent);
    }
    await until('the scrapes in the log', () => answeredBy('/metrics').length >= scrapes, 5_000);
    expect(new Set(answeredBy('/metrics'))).toEqual(new Set(workers));

    // A process that cannot answer (stopped): a scrape the other process receives is answered
    // 503 within the bound instead of waiting for it. Two scrapes at once, one to each process.
    const [stopped, running] = workers;
    process.kill(stopped, 'SIGSTOP');
    try {
      const began = Date.now();
      const both = [fresh(port, '/metrics'), fresh(port, '/metrics')];
      const first = await within(
        'a scrape answered while a process is stopped',
        Promise.race(both),
        15_000,
      );
      expect(first.status).toBe(503);
      expect(JSON.parse(first.text)).toEqual({ success: false, message: METRICS_UNAVAILABLE });
      expect(Date.now() - began).toBeLessThan(10_000);
      await until('its access line', () => answeredBy('/metrics').length > scrapes, 5_000);
      expect(answeredBy('/metrics').slice(scrapes)).toEqual([running]);
      process.kill(stopped, 'SIGCONT');
      await within('the stopped process to answer again', Promise.all(both), 15_000);
    } finally {
      if (alive(stopped)) process.kill(stopped, 'SIGCONT');
    }
    // Back to normal: the sum again.
    for (let i = 0; i < 2; i += 1) {
      const { status, text } = await fresh(port, '/metrics');
      expect(status).toBe(200);
      expect(sample(text, 'erunjrun_http_requests_total', live)).toBe(sent);
    }

    process.kill(server.child.pid!, 'SIGTERM');
    expect(await within('the primary to exit', server.exited, 30_000)).toEqual({
      code: 0,
      signal: null,
    });
  });
});

describe('A busy port', () => {
  let blocker: net.Server;
  let busy: number;

  beforeAll(async () => {
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    busy = (blocker.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  const cases: Array<[string, string, string]> = [
    ['The API server', 'dist/src/server.js', 'PORT'],
    ["The worker's health endpoint", 'dist/src/worker.js', 'WORKER_HEALTH_PORT'],
  ];

  it.each(cases)(
    '%s stops with one error line naming the port and its setting, no stack trace, exit 1',
    async (_what, script, setting) => {
      const proc = start(process.execPath, [script], { [setting]: String(busy) });
      const exit = await within('the process to exit', proc.exited, 30_000);
      expect(exit).toEqual({ code: 1, signal: null });

      const lines = proc.output().trim().split('\n');
      const errors = lines.filter((line) => line.includes('"level":"error"'));
      expect(errors).toHaveLength(1);
      const { message } = JSON.parse(errors[0]) as { message: string };
      expect(message).toBe(
        `port ${busy} is already in use by another process: stop it, or set ${setting} to a free port`,
      );
      expect(proc.output()).not.toMatch(/^\s+at /m);
      expect(proc.output()).not.toContain('EADDRINUSE');
    },
  );
});
