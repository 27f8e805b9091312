import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import type { Config } from '../../src/config';
import { User } from '../../src/db/models';
import { uniqueSuffix } from './context';

/** A user written with the model, with unique nickname and login. */
export async function makeUser(attrs: Partial<User> = {}): Promise<User> {
  return User.create({
    nickname: `u${uniqueSuffix()}`.slice(0, 8),
    profileUrl: 'https://example.com/profile.png',
    likeLocation: '1',
    likeDistance: '2',
    userLevel: '오렌지',
    social: 'kakao',
    socialId: `k-${uniqueSuffix()}${uniqueSuffix()}`,
    ...attrs,
  } as User);
}

export const KAKAO = {
  clientId: 'kakao-rest-key',
  clientSecret: null,
  redirectUri: 'https://www.erunjrun.com/kakao',
};
export const NAVER = {
  clientId: 'naver-client-id',
  clientSecret: 'naver-client-secret',
  redirectUri: 'https://www.erunjrun.com/naver',
  state: 'erunjrun',
};

export function oauthConfig(timeoutMs = 2000): Config['oauth'] {
  return { timeoutMs, kakao: KAKAO, naver: NAVER };
}

/*
 * nock starts intercepting every HTTP request of the process when it is loaded, and each test
 * file loads its own copy while the jest worker, and Node's `http` that nock patches, live on
 * to the next files: unrestored, the interceptors piled up, one more layer per file, under
 * every later request of the worker (supertest's included). This file's copy stops with it.
 */
afterAll(() => {
  nock.cleanAll();
  nock.restore();
});

/** Only loopback (supertest, the databases, the fake SENS) may be reached for real. */
export function allowOnlyLoopback() {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
}

/** A mobile number no other test uses (send limits count per number). */
export const randomMobile = () => `010${String(crypto.randomInt(0, 1e8)).padStart(8, '0')}`;

export const dashed = (tel: string) => `${tel.slice(0, 3)}-${tel.slice(3, 7)}-${tel.slice(7)}`;

export interface SensRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: {
    type: string;
    countryCode: string;
    from: string;
    content: string;
    messages: Array<{ to: string }>;
  };
}

/**
 * A stand-in for Naver Cloud SENS on 127.0.0.1: records every request and answers what the
 * test sets (202 by default, as SENS does). Past `answerLimit` recorded requests it takes no
 * more: later ones are held open unanswered and unrecorded (counted in `held`), as a SENS that
 * never got to accept them.
 */
export class FakeSens {
  readonly requests: SensRequest[] = [];
  status = 202;
  delayMs = 0;
  answerLimit = Infinity;
  held = 0;

  private constructor(
    private readonly server: http.Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<FakeSens> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (fake.requests.length >= fake.answerLimit) {
          fake.held += 1;
          return;
        }
        fake.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        setTimeout(() => {
          res.writeHead(fake.status, { 'Content-Type': 'application/json' });
          res.end(
            JSON.stringify({ requestId: 'r-1', statusCode: String(fake.status), statusName: 'x' }),
          );
        }, fake.delayMs).unref();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeSens(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  settings(): NonNullable<Config['sms']['sens']> {
    return {
      baseUrl: this.baseUrl,
      serviceId: 'ncp:sms:kr:123456789012:erunjrun',
      accessKey: 'test-access-key',
      secretKey: 'test-secret-key',
      from: '0212345678',
    };
  }

  /** The code in the last text sent to `to`. */
  lastCode(to: string): string {
    const sent = this.requests.filter((r) => r.body.messages[0].to === to).pop();
    const match = sent && /\[(\d{6})\]/.exec(sent.body.content);
    if (!match) throw new Error(`no code was sent to ${to}`);
    return match[1];
  }

  close() {
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Phone numbers as the original stored them with CRYPTO_KEY = LEGACY_PASSPHRASE, made with
 * OpenSSL rather than with our code:
 *   kiv=$(printf %s "$PASS" | openssl md5 -binary | xxd -p)
 *   printf %s "$TEL" | openssl enc -des-cbc -provider legacy -provider default \
 *     -K ${kiv:0:16} -iv ${kiv:16:16} | base64
 * (`openssl enc -des-cbc -md md5 -nosalt -pass pass:$PASS`, the original's createCipher, gives
 * the same bytes.)
 */
export const LEGACY_PASSPHRASE = 'erunjrun-crypto-key';
export const LEGACY_VALUES = {
  dashed: { plain: '010-1234-5678', stored: 'jFVgjcglskGMiJ6Drb9Fnw==' },
  digits: { plain: '01098765432', stored: 'OHpnP2muSGe8Vh0WLGdrgg==' },
};
