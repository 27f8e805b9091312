import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import request from 'supertest';
import { createHttpServer } from '../src/lib/http-server';
import { useTestContext, type TestContext } from './support/context';

/**
 * `GET /docs`: Swagger UI from the installed package, served by this server alone, under
 * helmet's Content-Security-Policy. Chromium loads it with every request that leaves the
 * loopback blocked, as on a machine with no network.
 */
const CHROMIUM = '/usr/bin/chromium';

let ctx: TestContext;
let server: http.Server | undefined;
let origin = '';
useTestContext(
  async (built) => {
    ctx = built;
    server = createHttpServer(ctx.app, ctx.config.http);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  },
  {
    beforeClose: async () => {
      if (!server) return;
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  },
);

/** The `src` and `href` values of the page's tags. */
const references = (html: string) =>
  [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1]);

describe('GET /docs', () => {
  it('Is an HTML page whose every script, style and icon is served by this server', async () => {
    const page = await request(ctx.app).get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const urls = references(page.text);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    // Same-origin paths only: no CDN, no absolute URL to anywhere else.
    expect(urls.filter((url) => !/^\/[^/]/.test(url))).toEqual([]);
    expect(page.text).not.toMatch(/https?:\/\//);
    for (const url of urls) {
      const asset = await request(ctx.app).get(url);
      expect({ url, status: asset.status }).toEqual({ url, status: 200 });
      expect(asset.body.length ?? asset.text.length).toBeGreaterThan(0);
    }
  });

  it('Keeps the Content-Security-Policy: scripts from this origin only, none inline', async () => {
    const page = await request(ctx.app).get('/docs').expect(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(page.text).not.toMatch(/<script>/);
    expect(page.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  });

  it('Serves only the files of the page, not the rest of the package', async () => {
    await request(ctx.app).get('/docs/package.json').expect(404);
    await request(ctx.app).get('/docs/..%2Fpackage.json').expect(404);
    const init = await request(ctx.app).get('/docs/init.js').expect(200);
    expect(init.text).toContain("url: '/openapi.json'");
  });
});

describe('The docs page in Chromium, offline', () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`,
      );
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('Renders the operations from our own files, with nothing blocked by the CSP', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const leftLoopback: string[] = [];
    const problems: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.protocol === 'data:') return route.continue();
      leftLoopback.push(url.href);
      return route.abort();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    try {
      await page.goto(`${origin}/docs`);
      const group = page.locator('.opblock-summary-path', { hasText: '/group/all' });
      await group.first().waitFor({ timeout: 20000 });
      await expect(page.locator('.opblock').count()).resolves.toBeGreaterThan(50);
      await expect(page.locator('.info .title').innerText()).resolves.toContain('ErunJrun API');
      expect(leftLoopback).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
