import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Just enough of S3 (path-style PutObject and DeleteObjects) to misbehave on purpose: it keeps
 * what it is given, `behaviour(key)` decides per PUT whether to answer 500 or to never answer,
 * `refuseDeletes` makes deletions fail and `hangDeletes` leaves them unanswered.
 * s3rver cannot be made to fail, which is the point here.
 */
export class FailingS3 {
  readonly bucket = 'erunjrun-fault-images';
  /** Objects stored and not deleted, by key. */
  readonly objects = new Set<string>();
  puts = 0;
  /** The key of every PUT received, answered or not. */
  readonly putKeys = new Set<string>();
  /** What a PUT of `key` meets: 'ok', 'error' (500 InternalError) or 'hang' (no answer). */
  behaviour: (key: string) => 'ok' | 'error' | 'hang' = () => 'ok';
  /** While true, DeleteObjects answers 500 and deletes nothing. */
  refuseDeletes = false;
  /** While true, DeleteObjects never answers. */
  hangDeletes = false;

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<FailingS3> {
    // The handler needs the instance, which needs the server's port: filled in below.
    const ref: { s3?: FailingS3 } = {};
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => ref.s3!.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ref.s3 = new FailingS3(server, `http://127.0.0.1:${port}`);
    return ref.s3;
  }

  /** Image settings for the app's S3 storage, with a short timeout. */
  settings(timeoutMs: number) {
    return {
      bucket: this.bucket,
      region: 'ap-northeast-2',
      endpoint: this.endpoint,
      forcePathStyle: true,
      accessKeyId: 'fault-key',
      secretAccessKey: 'fault-secret',
      timeoutMs,
    };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
    const url = new URL(req.url ?? '/', this.endpoint);
    const prefix = `/${this.bucket}/`;
    if (req.method === 'PUT' && url.pathname.startsWith(prefix)) {
      this.puts += 1;
      const key = decodeURIComponent(url.pathname.slice(prefix.length));
      this.putKeys.add(key);
      const behaviour = this.behaviour(key);
      if (behaviour === 'hang') return; // the connection stays open, unanswered
      if (behaviour === 'error') {
        res.writeHead(500, { 'Content-Type': 'application/xml' });
        res.end('<Error><Code>InternalError</Code><Message>injected</Message></Error>');
        return;
      }
      this.objects.add(key);
      res.writeHead(200, { ETag: '"0"' });
      res.end();
      return;
    }
    if (req.method === 'POST' && url.searchParams.has('delete')) {
      if (this.hangDeletes) return;
      if (this.refuseDeletes) {
        res.writeHead(500, { 'Content-Type': 'application/xml' });
        res.end('<Error><Code>InternalError</Code><Message>injected</Message></Error>');
        return;
      }
      for (const match of body.matchAll(/<Key>([^<]*)<\/Key>/g)) this.objects.delete(match[1]);
      res.writeHead(200, { 'Content-Type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?>' +
          '<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>',
      );
      return;
    }
    res.writeHead(400, { 'Content-Type': 'application/xml' });
    res.end('<Error><Code>NotImplemented</Code><Message>fake</Message></Error>');
  }

  close() {
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
