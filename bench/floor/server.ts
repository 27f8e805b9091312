/**
 * The floor of the fixed stack: Express, jsonwebtoken, mysql2 and the redis client doing the
 * round trips two of the API's requests make, and nothing else — no middleware, validation,
 * caches, metrics, model layer or error answers. `npm run bench -- --compare bench/floor` starts
 * it like the API (same database, key store and JWT secret; its port in a "listening" log line)
 * and loads it with the same requests, so the API's rows read against what the stack itself
 * costs on the same machine in the same minute (bench/README.md, "The floor"). MySQL/MariaDB
 * and Redis only.
 *
 * - `GET /group/detail/:groupId`: the run's row and its applicants with their users (two
 *   statements; the API reads the same in one).
 * - `POST /group/:groupId/apply`: the apply toggle's round trips — the write limit's count and
 *   the session check in the key store, then START TRANSACTION, the run's row lock, the seats,
 *   the INSERT or DELETE, COMMIT, and the readers' generation bumped after the commit. It
 *   answers what the API answers for the bench's requests, not the API's rules (no full run,
 *   started run or host check).
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import jwt from 'jsonwebtoken';
import mysql from 'mysql2/promise';
import { createClient } from 'redis';

const { DB_URL, REDIS_URL, JWT_SECRET } = process.env;
if (!DB_URL?.startsWith('mysql') || !REDIS_URL || !JWT_SECRET) {
  process.stderr.write('the floor needs DB_URL (MySQL/MariaDB), REDIS_URL and JWT_SECRET\n');
  process.exit(2);
}

const pool = mysql.createPool({ uri: DB_URL, connectionLimit: 10 });
const redis = createClient({ url: REDIS_URL });

type Handler = (req: Request, res: Response) => Promise<void>;
const route =
  (handler: Handler) =>
  (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).catch(next);
  };

async function signedInUser(req: Request): Promise<string> {
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  const { userId, sid } = jwt.verify(token, JWT_SECRET as string, {
    algorithms: ['HS256'],
    issuer: 'erunjrun',
  }) as { userId: string; sid: string };
  await redis.exists(`floor:session:${userId}:${sid}`);
  return userId;
}

const app = express();
app.use(express.json());

app.get(
  '/group/detail/:groupId',
  route(async (req, res) => {
    const { groupId } = req.params;
    const [[run]] = await pool.query<mysql.RowDataPacket[]>(
      'SELECT * FROM `Groups` WHERE `groupId` = ?',
      [groupId],
    );
    const [applicants] = await pool.query(
      'SELECT `a`.`userId`, `u`.`nickname`, `u`.`profileUrl` FROM `Appliers` AS `a` ' +
        'JOIN `Users` AS `u` ON `u`.`userId` = `a`.`userId` WHERE `a`.`groupId` = ? ' +
        'ORDER BY `u`.`nickname`',
      [groupId],
    );
    res.json({ success: true, data: [{ ...run, applicants }] });
  }),
);

app.post(
  '/group/:groupId/apply',
  route(async (req, res) => {
    const key = `floor:rl:${req.ip}`;
    await redis.multi().incr(key).pExpire(key, 60_000).exec();
    const userId = await signedInUser(req);
    const { groupId } = req.params;
    const connection = await pool.getConnection();
    let applied: boolean;
    try {
      await connection.query('START TRANSACTION');
      await connection.query('SELECT `maxPeople` FROM `Groups` WHERE `groupId` = ? FOR UPDATE', [
        groupId,
      ]);
      const [[seats]] = await connection.query<mysql.RowDataPacket[]>(
        'SELECT COUNT(*) AS `applyPeople`, ' +
          'MAX(CASE WHEN `userId` = ? THEN `applyId` END) AS `mineId` ' +
          'FROM `Appliers` WHERE `groupId` = ?',
        [userId, groupId],
      );
      applied = seats.mineId === null;
      if (applied) {
        await connection.query(
          'INSERT INTO `Appliers` (`applyId`, `userId`, `groupId`, `attendance`, `evaluation`) ' +
            'VALUES (?, ?, ?, 0, 0)',
          [randomUUID(), userId, groupId],
        );
      } else {
        await connection.query('DELETE FROM `Appliers` WHERE `applyId` = ?', [seats.mineId]);
      }
      await connection.query('COMMIT');
    } catch (err) {
      await connection.query('ROLLBACK');
      throw err;
    } finally {
      connection.release();
    }
    await redis.incr('floor:generation:Appliers');
    res.json({ success: true, data: { applyState: applied } });
  }),
);

void redis.connect().then(() => {
  const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ event: 'listening', port })}\n`);
  });
  process.once('SIGTERM', () => {
    server.close();
    void Promise.all([pool.end(), redis.quit()]);
  });
});
