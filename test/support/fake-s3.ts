import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
// s3rver ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as S3rverClass;

/**
 * An S3-compatible server on loopback (s3rver, files in a temp folder), reached through the
 * real AWS SDK. Its default credentials are S3RVER/S3RVER.
 */
export class FakeS3 {
  readonly bucket = 'erunjrun-test-images';

  private constructor(
    private readonly server: S3rverInstance,
    readonly endpoint: string,
    readonly directory: string,
  ) {}

  static async start(): Promise<FakeS3> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-s3-'));
    const bucket = 'erunjrun-test-images';
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket, configs: [] }],
    });
    const address = await server.run();
    return new FakeS3(server, `http://127.0.0.1:${address.port}`, directory);
  }

  get publicBase() {
    return `${this.endpoint}/${this.bucket}`;
  }

  /** The `images.s3` settings that reach this server. */
  settings(timeoutMs?: number) {
    return {
      bucket: this.bucket,
      region: 'us-east-1',
      endpoint: this.endpoint,
      forcePathStyle: true,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      ...(timeoutMs !== undefined && { timeoutMs }),
    };
  }

  /** The object keys currently in the bucket, as s3rver lays them out on disk. */
  objectKeys(): string[] {
    const root = path.join(this.directory, this.bucket);
    if (!fs.existsSync(root)) return [];
    const keys: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('._S3rver_object')) {
          keys.push(path.relative(root, full).replace(/\._S3rver_object$/, ''));
        }
      }
    };
    walk(root);
    return keys.sort();
  }

  async stop(): Promise<void> {
    await this.server.close();
    fs.rmSync(this.directory, { recursive: true, force: true });
  }
}
