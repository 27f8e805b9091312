import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { loadConfig } from '../src/config';
import { useTestContext, type TestContext } from './support/context';
import { REPO_ROOT } from './support/test-env';

/**
 * There is no Docker engine on the build machines: the Dockerfile, docker-compose.yml and the
 * proxy's Caddyfile are held to what they promise by reading them, and every endpoint their
 * health checks call is asked of the real app.
 */
const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  env_file?: Array<string | { path: string; required?: boolean }>;
  environment?: Record<string, string | number>;
  volumes?: string[];
  expose?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const { api, worker, db, redis, proxy } = compose.services;
const dockerfile = read('Dockerfile');
const nvmrc = read('.nvmrc').trim();

let ctx: TestContext;
useTestContext((c) => {
  ctx = c;
});

/** The URL a `node -e "fetch('…')"` health check calls. */
function checkedUrl(check: string[]): URL {
  const match = /fetch\('([^']+)'/.exec(check.join(' '));
  expect(match).not.toBeNull();
  return new URL(match![1]);
}

describe('Dockerfile', () => {
  it('Builds and runs on the Node LTS named in .nvmrc', () => {
    expect(nvmrc).toMatch(/^\d+$/);
    // Even majors become LTS (each October); odd ones never do.
    expect(Number(nvmrc) % 2).toBe(0);
    const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(bases).toHaveLength(2);
    for (const base of bases) expect(base).toMatch(new RegExp(`^node:${nvmrc}-[a-z]+-slim$`));
  });

  it('Runs as the unprivileged node user, with the production dependencies only', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    // Nothing but the build's output, the pruned modules and the assets reach the last stage.
    const copies = [...runtime.matchAll(/^COPY\s+(.+)$/gm)].map((m) => m[1]);
    expect(copies).toEqual([
      '--from=build /app/package.json ./',
      '--from=build /app/node_modules ./node_modules',
      '--from=build /app/dist ./dist',
      'assets ./assets',
    ]);
  });

  it('Checks liveness on an endpoint the app serves without touching its dependencies', async () => {
    const check = /^HEALTHCHECK .*\\\n\s+CMD (.+)$/m.exec(dockerfile);
    expect(check).not.toBeNull();
    // fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '<path>')
    const checked = /\+'(\/[^']*)'\)/.exec(check![1]);
    expect(checked?.[1]).toBe('/health/live');
    expect(check![1]).toContain("fetch('http://127.0.0.1:'+(process.env.PORT||3000)+");
    const res = await request(ctx.app).get(checked![1]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('package.json engines', () => {
  /** A range of `^X.Y.Z` / `>=X.Y.Z` alternatives, which is all `engines.node` uses. */
  function satisfies(range: string, version: string): boolean {
    const [major, minor, patch] = version.replace(/^v/, '').split('.').map(Number);
    const at = (v: number[]) => v[0] * 1e6 + v[1] * 1e3 + v[2];
    return range.split('||').some((alternative) => {
      const match = /^\s*(\^|>=)(\d+)\.(\d+)\.(\d+)\s*$/.exec(alternative);
      if (!match) throw new Error(`unexpected range "${alternative}"`);
      const floor = match.slice(2).map(Number);
      if (at([major, minor, patch]) < at(floor)) return false;
      return match[1] === '>=' || major === floor[0];
    });
  }

  it('Includes the Node this suite runs on and the LTS of .nvmrc, and no end-of-life odd line', () => {
    const { engines } = JSON.parse(read('package.json')) as { engines: { node: string } };
    expect(satisfies(engines.node, process.version)).toBe(true);
    expect(satisfies(engines.node, `${nvmrc}.0.0`)).toBe(true);
    expect(satisfies(engines.node, '23.11.0')).toBe(false);
    expect(satisfies(engines.node, '20.18.0')).toBe(false);
  });
});

describe('docker-compose.yml', () => {
  it('Builds one image, once, and runs it as the API and as the worker', () => {
    expect(api.image).toBeDefined();
    expect(worker.image).toBe(api.image);
    expect(api.build).toBeDefined();
    expect(worker.build).toBeUndefined();
    const built = Object.values(compose.services).filter((service) => service.build);
    expect(built).toEqual([api]);
    // The API runs the image's own command; the worker its entry point.
    expect(api.command).toBeUndefined();
    expect(worker.command).toEqual(['node', 'dist/src/worker.js']);
  });

  it('Reads the settings of SENS, Kakao/Naver and S3 from the .env file that .env.example documents', () => {
    for (const service of [api, worker]) {
      const files = (service.env_file ?? []).map((f) => (typeof f === 'string' ? f : f.path));
      expect(files).toEqual(['.env']);
    }
    const documented = read('.env.example')
      .split('\n')
      .flatMap((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.slice(1, 2) ?? []);
    for (const key of [
      'SENS_SERVICE_ID',
      'SENS_ACCESS_KEY',
      'SENS_SECRET_KEY',
      'SENS_FROM',
      'KAKAO_CLIENT_ID',
      'KAKAO_REDIRECT_URI',
      'NAVER_CLIENT_ID',
      'NAVER_CLIENT_SECRET',
      'NAVER_REDIRECT_URI',
      'S3_BUCKET',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
      'JWT_SECRET',
      'PHONE_ENCRYPTION_KEY',
    ]) {
      expect(documented).toContain(key);
      // Not fixed in the compose file, where they would override the env file.
      expect(Object.keys(api.environment ?? {})).not.toContain(key);
      expect(Object.keys(worker.environment ?? {})).not.toContain(key);
    }
  });

  it('Keeps locally stored images on one named volume mounted where the app stores them', () => {
    const mounts = (service: Service) =>
      (service.volumes ?? []).map((volume) => {
        const [source, target] = volume.split(':');
        return { source, target };
      });
    for (const service of [api, worker]) {
      const env = service.environment ?? {};
      const { localDir } = loadConfig({
        ...process.env,
        DATA_DIR: String(env.DATA_DIR),
      }).images;
      const images = mounts(service).find((mount) => mount.target === localDir);
      expect(images).toBeDefined();
      expect(Object.keys(compose.volumes)).toContain(images!.source);
    }
    expect(mounts(api)).toEqual(mounts(worker));
  });

  it("Checks the API's readiness and the worker's health on endpoints that exist", async () => {
    const ready = checkedUrl(api.healthcheck!.test);
    expect(ready.pathname).toBe('/health/ready');
    expect(ready.port).toBe(String(api.environment?.PORT));
    const res = await request(ctx.app).get(ready.pathname);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, status: 'ok' });

    const health = checkedUrl(worker.healthcheck!.test);
    expect(health.pathname).toBe('/health');
    expect(health.port).toBe(String(worker.environment?.WORKER_HEALTH_PORT));
  });

  it('Runs maintained MariaDB and Redis, each checked with its own ping, and starts in order', () => {
    expect(db.image).toMatch(/^mariadb:(11\.4|11\.8)(\.\d+)?$/);
    expect(db.healthcheck?.test).toEqual([
      'CMD',
      'healthcheck.sh',
      '--connect',
      '--innodb_initialized',
    ]);
    const redisVersion = /^redis:(\d+)(?:\.(\d+))?/.exec(redis.image ?? '');
    expect(redisVersion).not.toBeNull();
    expect(Number(redisVersion![1]) * 100 + Number(redisVersion![2] ?? 99)).toBeGreaterThanOrEqual(
      704,
    );
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);

    const healthy = { condition: 'service_healthy' };
    expect(api.depends_on).toEqual({ db: healthy, redis: healthy });
    expect(worker.depends_on).toEqual({ api: healthy });
    expect(proxy.depends_on).toEqual({ api: healthy });
    // The API talks to the services of this file.
    expect(String(api.environment?.DB_URL)).toMatch(/@db:3306\//);
    expect(api.environment?.REDIS_URL).toBe('redis://redis:6379/0');
  });

  it('Puts the proxy in front of every API container, keeping /metrics inside', () => {
    expect(proxy.volumes).toContain('./deploy/Caddyfile:/etc/caddy/Caddyfile:ro');
    const caddyfile = read('deploy/Caddyfile');
    expect(caddyfile).toMatch(/dynamic a \{\s+name api\s+port 3000\b/);
    expect(caddyfile).toMatch(/^\s*respond \/metrics\* 404$/m);
    expect(api.expose).toEqual(['3000']);
    expect(api.environment?.TRUST_PROXY).toBe('1');
  });
});
