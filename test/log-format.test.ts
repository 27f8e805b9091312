import { PassThrough } from 'node:stream';
import { loadConfig } from '../src/config';
import { createLogger, resolveLogFormat } from '../src/lib/logger';

/**
 * The log's two formats: pretty (one readable line per entry) by default on a terminal, JSON
 * elsewhere, LOG_FORMAT to choose; secrets redacted in both, nested values included.
 */
function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

const JWT =
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwidHlwIjoiYWNjZXNzIn0.c2lnbmF0dXJlLXBhcnQ';
const PHONE = '010-2345-6789';

/** Writing to a PassThrough is asynchronous: wait for the entry to come out. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('LOG_FORMAT', () => {
  it('Defaults to auto, which is pretty on a terminal and JSON otherwise; pretty or json choose', () => {
    const config = loadConfig({ ...process.env, LOG_FORMAT: undefined });
    expect(config.log.format).toBe('auto');
    expect(resolveLogFormat('auto', { isTTY: true })).toBe('pretty');
    expect(resolveLogFormat('auto', { isTTY: false })).toBe('json');
    expect(resolveLogFormat('auto', {})).toBe('json');
    expect(resolveLogFormat('json', { isTTY: true })).toBe('json');
    expect(resolveLogFormat('pretty', { isTTY: false })).toBe('pretty');
    expect(loadConfig({ ...process.env, LOG_FORMAT: 'pretty' }).log.format).toBe('pretty');
    expect(() => loadConfig({ ...process.env, LOG_FORMAT: 'xml' })).toThrow(
      /LOG_FORMAT must be one of auto, json, pretty/,
    );
  });

  it('On a terminal, one coloured line per entry: time, level, message, key=value fields', async () => {
    const out = capture(true);
    const logger = createLogger({ level: 'info', format: 'auto', stream: out.stream });
    logger.info('listening', { port: 3000, url: 'http://localhost:3000', note: 'two words' });
    await flush();
    const line = out.text();
    expect(line).toContain('\u001b['); // coloured
    // eslint-disable-next-line no-control-regex
    const plain = line.replace(/\u001b\[\d+m/g, '');
    expect(plain).toMatch(
      /^\d{2}:\d{2}:\d{2} info {2}listening port=3000 url=http:\/\/localhost:3000 note="two words"\n$/,
    );
  });

  it('Elsewhere, one JSON object per line', async () => {
    const out = capture(false);
    const logger = createLogger({ level: 'info', format: 'auto', stream: out.stream });
    logger.warn('slow', { ms: 1200 });
    await flush();
    expect(JSON.parse(out.text())).toMatchObject({ level: 'warn', message: 'slow', ms: 1200 });
  });

  it.each([
    ['pretty', true],
    ['json', false],
  ] as const)(
    'Redacts secrets in %s, in the message and in nested fields',
    async (format, isTTY) => {
      const out = capture(isTTY);
      const logger = createLogger({ level: 'info', format, stream: out.stream });
      logger.info(`call with Bearer ${JWT} from ${PHONE}`, {
        request: { headers: { authorization: `Bearer ${JWT}` }, body: { tel: PHONE } },
        list: [`token=${JWT}`],
      });
      await flush();
      const text = out.text();
      expect(text).toContain('[REDACTED');
      expect(text).not.toContain(JWT);
      expect(text).not.toContain(PHONE);
      expect(text).not.toContain(PHONE.replace(/-/g, ''));
    },
  );
});
