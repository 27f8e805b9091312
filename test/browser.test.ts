import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import type { Config } from '../src/config';
import { attachChat } from '../src/chat/chat.gateway';
import { createHttpServer } from '../src/lib/http-server';
import { defaultGroupThumbnailUrl } from '../src/uploads';
import { authHeaders, signIn, useTestContext, type TestContext } from './support/context';
import { png } from './support/images';
import type { ChatMessage } from '../src/chat/chat.mapper';
import { Chat, type User } from '../src/db/models';
import { apply, makeGroup } from './support/groups';
import { REPO_ROOT } from './support/test-env';
import { makeUser } from './support/users';

/**
 * The SPA's view of the server, in a real browser: Debian's Chromium loads a page from another
 * origin (`http://localhost:<port>`) that talks to the API on `http://127.0.0.1:<port>` the way
 * the SPA does (XMLHttpRequest with its two token headers, so every call is preflighted) and shows
 * the server's images as `<img>`. Chromium enforces what supertest cannot: CORS and
 * Cross-Origin-Resource-Policy.
 */
const CHROMIUM = '/usr/bin/chromium';

/**
 * The page's script. It is plain browser JavaScript (the test project has no DOM types), and
 * mirrors the SPA's axios instance: `Accept: application/json` always, the JSON content type on
 * plain-object bodies, none on bodiless requests, the browser's own on FormData.
 */
const PAGE_SCRIPT = `
window.spa = {
  call(api, tokens, method, path, body) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, api + path);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('Authorization', 'Bearer ' + tokens.token);
      xhr.setRequestHeader('reAuthorization', 'Bearer ' + tokens.refreshToken);
      let payload = null;
      if (body instanceof FormData) payload = body;
      else if (body !== undefined) {
        xhr.setRequestHeader('content-type', 'application/json;charset=UTF-8');
        payload = JSON.stringify(body);
      }
      xhr.onload = () => resolve({ status: xhr.status, body: JSON.parse(xhr.responseText) });
      xhr.onerror = () => reject(new Error(method + ' ' + path + ': network error'));
      xhr.send(payload);
    });
  },
  photo() {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const g = canvas.getContext('2d');
    g.fillStyle = '#2a9d5a';
    g.fillRect(0, 0, 64, 48);
    return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  },
  async editProfile(api, tokens, fields) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('image', await spa.photo(), 'avatar.png');
    return spa.call(api, tokens, 'PATCH', '/auth/updateUser', form);
  },
  show(url) {
    return new Promise((resolve) => {
      const img = new Image();
      img.onload = () => resolve({ url, width: img.naturalWidth });
      img.onerror = () => resolve({ url, width: img.naturalWidth });
      img.src = url;
      document.body.appendChild(img);
    });
  },
};
`;

const PAGE_HTML = `<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>ErunJrun</title><link rel="icon" href="data:,">
<script src="/spa.js"></script></head><body></body></html>`;

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

interface Listening {
  server: http.Server;
  port: number;
}

async function listen(server: http.Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function stop(server: http.Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

/** The page's own origin: a tiny static server, as a CDN or `npm start` of the SPA would be. */
function pageServer(): http.Server {
  const files: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html; charset=utf-8', body: PAGE_HTML },
    '/spa.js': { type: 'text/javascript; charset=utf-8', body: PAGE_SCRIPT },
  };
  return http.createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://page').pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': file.type }).end(file.body);
  });
}

interface Api {
  url: string;
  ctx: TestContext;
  /** Every request it received, as `METHOD path`, preflights included. */
  received: string[];
}

/**
 * The API and its chat on an ephemeral loopback port, as `src/server.ts` runs them, allowing the
 * page's origin and storing images in a folder of its own, for the enclosing block (`ready`
 * receives it once built). It listens before its context exists: the context needs the public
 * URL (image URLs), which holds the port.
 */
function useApi(
  ready: (api: Api) => void,
  settings: (base: Config) => Partial<Config> = () => ({}),
): void {
  const received: string[] = [];
  let app: http.RequestListener = (_req, res) => res.writeHead(503).end();
  let server: http.Server | undefined;
  let url = '';
  let closeChat: (() => Promise<void>) | undefined;
  useTestContext(
    async (ctx) => {
      app = ctx.app;
      closeChat = await attachChat(server!, ctx);
      ready({ url, ctx, received });
    },
    {
      config: async (base) => {
        const listening = await listen(
          createHttpServer((req, res) => {
            received.push(`${req.method} ${new URL(req.url ?? '/', 'http://api').pathname}`);
            app(req, res);
          }, base.http),
        );
        server = listening.server;
        url = `http://127.0.0.1:${listening.port}`;
        return {
          publicUrl: url,
          http: { ...base.http, corsOrigins: [pageOrigin] },
          images: { ...base.images, baseUrl: `${url}/images` },
          ...settings(base),
        };
      },
      ownImageDir: true,
      beforeClose: async () => {
        await closeChat?.();
        if (server) await stop(server);
      },
    },
  );
}

let browser: Browser;
let pageOrigin: string;
let closePage: (() => Promise<void>) | undefined;
/** The API the SPA is built against, in its default settings. */
let main: Api;
let ctx: TestContext;
let api: string;

// Hooks run in the order written: the page first, then the API, then the browser; and closed
// in the same order as before (browser, API, page).
beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); ` +
        '.ci/run installs it when it is missing',
    );
  }
  const page = await listen(pageServer());
  closePage = () => stop(page.server);
  pageOrigin = `http://localhost:${page.port}`;
});
afterAll(async () => {
  await browser?.close();
});
useApi((started) => {
  main = started;
  ({ ctx, url: api } = main);
});
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});
afterAll(async () => {
  await closePage?.();
});

interface Visit {
  page: Page;
  /** Console errors, failed requests and error answers seen by the page so far. */
  problems: string[];
  close(): Promise<void>;
}

/** A fresh browser profile on the page's origin, recording everything that goes wrong. */
async function visit(): Promise<Visit> {
  const context: BrowserContext = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (req) => {
    problems.push(`failed: ${req.method()} ${req.url()} ${req.failure()?.errorText ?? ''}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`answer ${res.status()}: ${res.url()}`);
  });
  await page.goto(`${pageOrigin}/`);
  return { page, problems, close: () => context.close() };
}

/** Runs `spa.<name>(...args)` in the page; the arguments travel as JSON. */
function inPage<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  const list = args.map((a) => JSON.stringify(a)).join(', ');
  return page.evaluate(`spa.${name}(${list})`) as Promise<T>;
}

describe('the SPA in a real browser, on another origin', () => {
  it('calls the API with its token headers: preflights pass and JSON and form answers are read', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    const { page, problems, close } = await visit();
    try {
      const me = await inPage<Answer>(page, 'call', api, tokens, 'GET', '/user/auth');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ userId: user.userId, nickname: user.nickname });

      const survey = await inPage<Answer>(page, 'call', api, tokens, 'PATCH', '/auth/userLike', {
        likeLocation: 3,
        likeDistance: 1,
        userLevel: '블루',
      });
      expect(survey).toEqual({ status: 200, body: expect.objectContaining({ success: true }) });

      const edited = await inPage<Answer>(page, 'editProfile', api, tokens, {
        nickname: user.nickname,
        bio: '주말마다 한강을 달립니다',
        likeLocation: '3',
        likeDistance: '1',
        userLevel: '블루',
        phone: '',
        agreeSMS: 'false',
      });
      expect(edited).toEqual({ status: 200, body: expect.objectContaining({ success: true }) });

      // A guest reads the profile the way the SPA does without cookies.
      const guest = { token: undefined, refreshToken: undefined };
      const profile = await inPage<Answer<{ data: { userInfo: Record<string, unknown> } }>>(
        page,
        'call',
        api,
        guest,
        'GET',
        `/auth/info/${user.userId}`,
      );
      expect(profile.status).toBe(200);
      expect(profile.body.data.userInfo).toMatchObject({
        bio: '주말마다 한강을 달립니다',
        userLevel: '블루',
      });
      expect(profile.body.data.userInfo.profileUrl).toMatch(new RegExp(`^${api}/images/`));

      for (const path of ['/user/auth', '/auth/userLike', '/auth/updateUser']) {
        expect(main.received).toContain(`OPTIONS ${path}`);
      }
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows the images the server serves: an uploaded avatar, the default avatar, a default thumbnail', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    const upload = await request(ctx.app)
      .patch('/auth/updateUser')
      .set(authHeaders(tokens))
      .attach('image', await png(120, 80), 'avatar.png');
    expect(upload.status).toBe(200);
    // The avatar as the API answers it (stored without a host, resolved with PUBLIC_URL).
    const info = await request(ctx.app).get(`/auth/info/${user.userId}`).expect(200);
    const urls = [
      info.body.data.userInfo.profileUrl as string,
      `${api}/assets/default-profile.png`,
      defaultGroupThumbnailUrl(ctx.config, '공원'),
    ];
    expect(urls[0]).toMatch(new RegExp(`^${api}/images/`));

    const { page, problems, close } = await visit();
    try {
      const shown: Array<{ url: string; width: number }> = [];
      for (const url of urls) shown.push(await inPage(page, 'show', url));
      // The browser's reasons first (a blocked response names its cause).
      expect(problems).toEqual([]);
      expect(shown).toEqual(urls.map((url) => ({ url, width: expect.any(Number) })));
      for (const image of shown) expect(image.width).toBeGreaterThan(0);
    } finally {
      await close();
    }
  });
});

/**
 * The SPA's chat page (`shared/Socket.js`, `pages/Chat.js`), as plain browser JavaScript: it
 * connects with no credentials, names its user in `chatRoom` and `reqMessage`, and keeps the
 * messages it is shown, as the page's state would.
 */
const CHAT_SCRIPT = `
window.chat = {
  open(api, groupId, userId) {
    const socket = io.connect(api);
    const state = { socket, messages: [] };
    window.chatState = state;
    socket.on('chatMessage', (message) => state.messages.push(message));
    return new Promise((resolve, reject) => {
      const refused = (error) => reject(new Error(JSON.stringify(error.message ?? error)));
      socket.on('connect_error', refused);
      socket.on('error', refused);
      setTimeout(() => reject(new Error('no chatList within 5 s')), 5000);
      socket.on('chatList', resolve);
      socket.on('connect', () => socket.emit('chatRoom', groupId, userId));
    });
  },
  send(groupId, userId, message) {
    chatState.socket.emit('reqMessage', groupId, userId, message);
  },
  received(count) {
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + 5000;
      const check = () => {
        if (chatState.messages.length >= count) resolve(chatState.messages);
        else if (Date.now() > deadline) reject(new Error('no chatMessage within 5 s'));
        else setTimeout(check, 20);
      };
      check();
    });
  },
};
`;

describe('the SPA chat in a real browser, with CHAT_LEGACY_CLIENTS', () => {
  let legacy: Api;
  useApi(
    (started) => {
      legacy = started;
    },
    (base) => ({ chat: { ...base.chat, legacyClients: true } }),
  );

  /** The chat page of `user` for `groupId`, with its history shown. */
  async function chatPage(groupId: string, user: User) {
    const visited = await visit();
    await visited.page.addScriptTag({
      path: path.join(REPO_ROOT, 'node_modules/socket.io-client/dist/socket.io.min.js'),
    });
    await visited.page.addScriptTag({ content: CHAT_SCRIPT });
    const list = (await visited.page.evaluate(
      `chat.open(${JSON.stringify(legacy.url)}, ${JSON.stringify(groupId)}, ${JSON.stringify(user.userId)})`,
    )) as ChatMessage[];
    return { ...visited, list };
  }

  it("shows a run's history and live messages to its members", async () => {
    const host = await makeUser();
    const runner = await makeUser();
    const group = await makeGroup(host);
    await apply(group.groupId, runner);
    await Chat.create({
      groupId: group.groupId,
      userId: host.userId,
      nickname: host.nickname,
      profileUrl: host.profileUrl,
      message: '내일 7시에 봬요',
    });

    const hostPage = await chatPage(group.groupId, host);
    const runnerPage = await chatPage(group.groupId, runner);
    try {
      expect(runnerPage.list.map((m) => m.message)).toEqual(['내일 7시에 봬요']);
      await runnerPage.page.evaluate(
        `chat.send(${JSON.stringify(group.groupId)}, ${JSON.stringify(runner.userId)}, '저도 갈게요!')`,
      );
      for (const { page } of [hostPage, runnerPage]) {
        const [message] = (await page.evaluate('chat.received(1)')) as ChatMessage[];
        expect(message).toMatchObject({
          userId: runner.userId,
          nickname: runner.nickname,
          message: '저도 갈게요!',
        });
      }
      expect(hostPage.problems).toEqual([]);
      expect(runnerPage.problems).toEqual([]);
    } finally {
      await hostPage.close();
      await runnerPage.close();
    }
  });
});
