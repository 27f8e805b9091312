import fs from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import { DeleteObjectsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';

export interface StoredObject {
  path: string;
  body: Buffer;
  contentType: string;
}

/** Where image bytes live: an S3 bucket, or a local folder the app serves itself. */
export interface ObjectStorage {
  readonly kind: 's3' | 'local';
  put(object: StoredObject): Promise<void>;
  /** Deletes what exists among the paths; missing ones are not an error. */
  delete(paths: string[]): Promise<void>;
}

/** S3_TIMEOUT_MS's default, for settings built without it. */
const S3_DEFAULT_TIMEOUT_MS = 10_000;

/** Keys one DeleteObjects call may name. */
const S3_DELETE_LIMIT = 1000;

/** Keys never change content, so caches may keep them for a year. */
const CACHE_CONTROL = 'public, max-age=31536000, immutable';

export class S3Storage implements ObjectStorage {
  readonly kind = 's3' as const;
  private readonly client: S3Client;

  constructor(private readonly s3: NonNullable<Config['images']['s3']>) {
    this.client = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint ?? undefined,
      forcePathStyle: s3.forcePathStyle,
      credentials:
        s3.accessKeyId && s3.secretAccessKey
          ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
          : undefined,
      maxAttempts: 3,
      // The SDK waits forever on a connection or an answer by default: a hung S3 would hold the
      // request (and its upload) open. Bound both; each of the attempts gets the full time.
      // Without throwOnRequestTimeout the request timeout only logs a warning and goes on waiting.
      requestHandler: {
        connectionTimeout: s3.timeoutMs ?? S3_DEFAULT_TIMEOUT_MS,
        requestTimeout: s3.timeoutMs ?? S3_DEFAULT_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      },
    });
  }

  async put(object: StoredObject): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.s3.bucket,
        Key: object.path,
        Body: object.body,
        ContentType: object.contentType,
        CacheControl: CACHE_CONTROL,
      }),
    );
  }

  async delete(paths: string[]): Promise<void> {
    for (let i = 0; i < paths.length; i += S3_DELETE_LIMIT) {
      const chunk = paths.slice(i, i + S3_DELETE_LIMIT);
      const result = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.s3.bucket,
          Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      // A 200 can still list objects S3 did not delete (access denied, …).
      const refused = result.Errors ?? [];
      if (refused.length > 0) {
        throw new Error(`S3 did not delete ${refused.length} object(s): ${refused[0].Code}`);
      }
    }
  }
}

export class LocalStorage implements ObjectStorage {
  readonly kind = 'local' as const;

  constructor(readonly root: string) {}

  private resolve(objectPath: string): string {
    const full = path.resolve(this.root, objectPath);
    if (!full.startsWith(path.resolve(this.root) + path.sep)) {
      throw new Error(`object path escapes the storage folder: ${objectPath}`);
    }
    return full;
  }

  async put(object: StoredObject): Promise<void> {
    const target = this.resolve(object.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const temp = `${target}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(temp, object.body);
    await fs.rename(temp, target);
  }

  async delete(paths: string[]): Promise<void> {
    await Promise.all(paths.map((p) => fs.rm(this.resolve(p), { force: true })));
  }
}

export function createStorage(config: Config['images']): ObjectStorage {
  return config.s3 ? new S3Storage(config.s3) : new LocalStorage(config.localDir);
}
