import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { ConnectionError } from 'sequelize';
import request from 'supertest';
import {
  io as ioClient,
  type ManagerOptions,
  type Socket,
  type SocketOptions,
} from 'socket.io-client';
import { createApp } from '../src/app';
import { AUTH } from '../src/auth/messages';
import type { ErrorPayload } from '../src/chat/chat.connection';
import { attachChat } from '../src/chat/chat.gateway';
import type { ChatMessage } from '../src/chat/chat.mapper';
import type { HistoryPage } from '../src/chat/chat.service';
import { CHAT } from '../src/chat/messages';
import { ConfigError, loadConfig } from '../src/config';
import { Applier, Chat, Group, User } from '../src/db/models';
import { toggleApplication } from '../src/groups/applications.service';
import type { AppContext } from '../src/lib/context';
import { MESSAGES } from '../src/lib/error-handler';
import { DomainEventHub } from '../src/lib/events';
import { createLogger } from '../src/lib/logger';
import { RedisKeyStore } from '../src/store/redis-store';
import { logout } from '../src/users/users.service';
import { authHeaders, signIn, useTestContext, type TestContext } from './support/context';
import { PrivateRedis } from './support/redis-server';
import { makeUser } from './support/users';

interface Served {
  url: string;
  /** The process's context: its key store holds the sessions its sockets are checked against. */
  context: AppContext;
  close(): Promise<void>;
}

/** The API and its chat on an ephemeral loopback port, as `src/server.ts` runs them. */
async function serve(context: AppContext): Promise<Served> {
  const server = http.createServer(createApp(context));
  const closeChat = await attachChat(server, context);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    context,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      await closeChat();
      server.closeAllConnections();
      await closed;
    },
  };
}

let ctx: TestContext;
let main: Served;
/** The same app with CHAT_LEGACY_CLIENTS=true (same database, key store, events and clock). */
let legacy: Served;
const clients: Socket[] = [];

useTestContext(
  async (c) => {
    ctx = c;
    main = await serve(ctx);
    legacy = await serve({
      ...ctx,
      config: { ...ctx.config, chat: { ...ctx.config.chat, legacyClients: true } },
      now: () => ctx.now(),
    });
  },
  {
    beforeClose: async () => {
      await main?.close();
      await legacy?.close();
    },
  },
);
afterEach(() => {
  ctx.clock.reset();
  jest.restoreAllMocks();
  for (const client of clients.splice(0)) client.disconnect();
});

/** Freezes the server's clock (`offsetMs` from the real one), for token expiry and rate limits. */
const setClock = (offsetMs: number, from = Date.now()) => {
  ctx.clock.set(from + offsetMs);
};

type ClientOptions = Partial<ManagerOptions & SocketOptions>;

function open(options: ClientOptions, url = main.url): Socket {
  const client = ioClient(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...options,
  });
  clients.push(client);
  return client;
}

/** The next `event` on the client, or a failure after `ms`. */
function next<T>(client: Socket, event: string, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const listener = (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    };
    client.once(event, listener);
  });
}

/** The texts of the next `count` broadcast messages, in the order they arrive. */
function collect(client: Socket, count: number): Promise<string[]> {
  const texts: string[] = [];
  return new Promise((resolve) => {
    const listener = (message: ChatMessage) => {
      texts.push(message.message);
      if (texts.length < count) return;
      client.off('chatMessage', listener);
      resolve(texts);
    };
    client.on('chatMessage', listener);
  });
}

async function connect(user: User, served = main): Promise<Socket> {
  const { token } = await signIn(served.context, user);
  return connectWith(token, served);
}

async function connectWith(token: string, served = main): Promise<Socket> {
  const client = open({ auth: { token } }, served.url);
  await next(client, 'connect');
  return client;
}

/** The refusal of a handshake: `connect_error` with the message and the API's body. */
async function refusedHandshake(options: ClientOptions, url = main.url) {
  const err = await next<Error & { data?: unknown }>(open(options, url), 'connect_error');
  return { message: err.message, data: err.data };
}

/** The published SPA on the legacy server: no auth, no headers, no query; polling first. */
async function openAsSpa(): Promise<Socket> {
  const client = open({ transports: ['polling', 'websocket'] }, legacy.url);
  await next(client, 'connect');
  return client;
}

async function createGroup(host: User, members: User[] = []): Promise<Group> {
  const group = await Group.create({
    userId: host.userId,
    mapLatLng: '[{"lat":37.52,"lng":126.93}]',
    title: '한강 아침 러닝',
    maxPeople: 10,
    date: '2030-05-01',
    standbyTime: '07:00:00',
    distance: 5,
    speed: '6',
    location: '서울 영등포구 여의도 한강공원',
    region: 1,
    timecode: 1,
    thema: '강변',
  });
  // The host is an applicant of their own group, as group creation records it.
  await Applier.bulkCreate(
    [host, ...members].map((user) => ({ groupId: group.groupId, userId: user.userId })),
  );
  return group;
}

async function join(client: Socket, groupId: string, userId?: string): Promise<ChatMessage[]> {
  const list = next<ChatMessage[]>(client, 'chatList');
  client.emit('chatRoom', groupId, userId);
  return list;
}

/** A new group whose host is connected and in its room. */
async function hostInRoom() {
  const host = await makeUser();
  const group = await createGroup(host);
  const client = await connect(host);
  await join(client, group.groupId);
  return { host, group, client };
}

async function send(client: Socket, user: User, groupId: string, message: string) {
  const received = next<ChatMessage>(client, 'chatMessage');
  client.emit('reqMessage', groupId, user.userId, message);
  return received;
}

async function refusal(client: Socket, event: string, ...args: unknown[]): Promise<ErrorPayload> {
  const error = next<ErrorPayload>(client, 'error');
  client.emit(event, ...args);
  return error;
}

const storedMessages = (groupId: string) =>
  Chat.findAll({ where: { groupId }, order: [['chatId', 'ASC']] }).then((rows) =>
    rows.map((row) => row.message),
  );

async function seedMessages(group: Group, author: User, count: number) {
  await Chat.bulkCreate(
    Array.from({ length: count }, (_, i) => ({
      groupId: group.groupId,
      userId: author.userId,
      nickname: author.nickname,
      profileUrl: author.profileUrl,
      message: `기록 ${i + 1}`,
      createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, i)),
    })),
  );
}

describe('group chat for members', () => {
  it('Members join, get the history, and everyone in the room receives a stored message', async () => {
    const host = await makeUser();
    const member = await makeUser({ profileUrl: 'https://example.com/member.png' });
    const group = await createGroup(host, [member]);
    const hostSocket = await connect(host);
    const memberSocket = await connect(member);
    expect(await join(hostSocket, group.groupId, host.userId)).toEqual([]);
    expect(await join(memberSocket, group.groupId, member.userId)).toEqual([]);

    const toHost = next<ChatMessage>(hostSocket, 'chatMessage');
    const echoed = await send(memberSocket, member, group.groupId, '  내일 7시에 봬요!  ');
    const stored = await Chat.findOne({ where: { groupId: group.groupId } });
    expect(stored).not.toBeNull();
    const expected = {
      chatId: String(stored!.chatId),
      groupId: group.groupId,
      userId: member.userId,
      nickname: member.nickname,
      profileUrl: 'https://example.com/member.png',
      message: '내일 7시에 봬요!',
      createdAt: stored!.createdAt!.toISOString(),
    };
    expect(echoed).toEqual(expected);
    expect(await toHost).toEqual(expected);
    // Whole seconds, so the live message and the history carry the same time on both databases.
    expect(Date.now() - Date.parse(expected.createdAt)).toBeLessThan(60_000);
    expect(expected.createdAt).toMatch(/\.000Z$/);

    // Someone joining later reads it in the history, identical to the broadcast.
    const late = await connect(member);
    expect(await join(late, group.groupId)).toEqual([expected]);
  });

  it('A non-browser client may authenticate with an Authorization header over long polling', async () => {
    const host = await makeUser();
    const group = await createGroup(host);
    const { token } = await signIn(ctx, host);
    const client = open({
      transports: ['polling'],
      extraHeaders: { Authorization: `Bearer ${token}` },
    });
    await next(client, 'connect');
    await join(client, group.groupId, host.userId);
    expect((await send(client, host, group.groupId, '폴링으로 보냄')).message).toBe(
      '폴링으로 보냄',
    );
  });

  it('A message is shown only to its own group', async () => {
    const host = await makeUser();
    const other = await makeUser();
    const group = await createGroup(host);
    const otherGroup = await createGroup(other);
    const hostSocket = await connect(host);
    const otherSocket = await connect(other);
    await join(hostSocket, group.groupId);
    await join(otherSocket, otherGroup.groupId);
    const seenByOther = next<ChatMessage>(otherSocket, 'chatMessage');
    await send(hostSocket, host, group.groupId, '우리 그룹만');
    await send(otherSocket, other, otherGroup.groupId, '다른 그룹');
    expect((await seenByOther).message).toBe('다른 그룹');
  });

  it('One sender’s messages are stored and broadcast in the order they were sent', async () => {
    const { host, group, client } = await hostInRoom();
    const sent = ['하나', '둘', '셋', '넷', '다섯'];
    const received = collect(client, sent.length);
    for (const text of sent) client.emit('reqMessage', group.groupId, host.userId, text);
    expect(await received).toEqual(sent);
    expect(await storedMessages(group.groupId)).toEqual(sent);
  });
});

describe('who may connect', () => {
  it.each([
    ['no token at all (the SPA as published)', {}, AUTH.headerMissing],
    ['a token that is not a JWT', { auth: { token: 'tatata' } }, AUTH.tokenInvalid],
    ['a token that is not a string', { auth: { token: 42 } }, AUTH.tokenInvalid],
    ['the guest marker', { auth: { token: 'undefined' } }, AUTH.tokenInvalid],
    ['a Basic header', { extraHeaders: { Authorization: 'Basic abc' } }, AUTH.notBearer],
    ['a one-part header', { extraHeaders: { Authorization: 'Bearer' } }, AUTH.headerMalformed],
  ])('With %s, the handshake is refused with the SPA message', async (_name, options, message) => {
    const transport = 'extraHeaders' in options ? { transports: ['polling'] } : {};
    expect(await refusedHandshake({ ...transport, ...options })).toEqual({
      message,
      data: { success: false, message },
    });
  });

  it('Refuses a refresh token, a token signed with another secret and a deleted user', async () => {
    const user = await makeUser();
    const { refreshToken } = await signIn(ctx, user);
    const forged = jwt.sign(
      { userId: user.userId, sid: 'x', typ: 'access' },
      'another-secret-another-secret-123',
      { issuer: 'erunjrun', expiresIn: 600 },
    );
    const gone = await makeUser();
    const { token: goneToken } = await signIn(ctx, gone);
    await User.destroy({ where: { userId: gone.userId } });
    for (const token of [refreshToken, forged, goneToken]) {
      expect((await refusedHandshake({ auth: { token } })).message).toBe(AUTH.tokenInvalid);
    }
  });

  it('Refuses an expired access token with the expiry message', async () => {
    const user = await makeUser();
    const { token } = await signIn(ctx, user, 60);
    setClock(120_000);
    expect(await refusedHandshake({ auth: { token } })).toEqual({
      message: AUTH.accessRenewed,
      data: { success: false, message: AUTH.accessRenewed },
    });
  });

  it('Once the token expires during a connection, the next event is refused and the connection closed', async () => {
    const host = await makeUser();
    const group = await createGroup(host);
    const { token } = await signIn(ctx, host, 60);
    const client = open({ auth: { token } });
    await next(client, 'connect');
    await join(client, group.groupId);
    setClock(120_000);
    const closed = next<string>(client, 'disconnect');
    expect(await refusal(client, 'reqMessage', group.groupId, host.userId, '늦었다')).toEqual({
      success: false,
      message: AUTH.accessRenewed,
      event: 'reqMessage',
    });
    expect(await closed).toBe('io server disconnect');
    expect(await storedMessages(group.groupId)).toEqual([]);
  });
});

describe('who may use a room', () => {
  it('A non-member cannot join, read the history or post, and the room sees nothing', async () => {
    const host = await makeUser();
    const outsider = await makeUser();
    const group = await createGroup(host);
    await seedMessages(group, host, 3);
    const hostSocket = await connect(host);
    await join(hostSocket, group.groupId);
    const outsiderSocket = await connect(outsider);
    const notMember = { success: false, message: CHAT.notMember };

    const noList = jest.fn();
    outsiderSocket.on('chatList', noList);
    expect(await refusal(outsiderSocket, 'chatRoom', group.groupId, outsider.userId)).toEqual({
      ...notMember,
      event: 'chatRoom',
    });
    const [first] = await Chat.findAll({ where: { groupId: group.groupId }, limit: 1 });
    expect(await refusal(outsiderSocket, 'chatHistory', group.groupId, first.chatId)).toEqual({
      ...notMember,
      event: 'chatHistory',
    });
    expect(
      await refusal(outsiderSocket, 'reqMessage', group.groupId, outsider.userId, '끼워줘'),
    ).toEqual({ ...notMember, event: 'reqMessage' });

    // The host's next message is the first one the room sees: the outsider's was never broadcast.
    expect((await send(hostSocket, host, group.groupId, '호스트')).message).toBe('호스트');
    expect(noList).not.toHaveBeenCalled();
    expect(await storedMessages(group.groupId)).toEqual(['기록 1', '기록 2', '기록 3', '호스트']);
  });

  it('A forged userId is refused: nobody can post or join as someone else', async () => {
    const host = await makeUser();
    const member = await makeUser();
    const group = await createGroup(host, [member]);
    const memberSocket = await connect(member);
    const hostSocket = await connect(host);
    await join(hostSocket, group.groupId);

    expect(await refusal(memberSocket, 'chatRoom', group.groupId, host.userId)).toEqual({
      success: false,
      message: CHAT.wrongUser,
      event: 'chatRoom',
    });
    expect(
      await refusal(memberSocket, 'reqMessage', group.groupId, host.userId, '나는 호스트다'),
    ).toEqual({ success: false, message: CHAT.wrongUser, event: 'reqMessage' });
    expect((await send(hostSocket, host, group.groupId, '진짜 호스트')).userId).toBe(host.userId);
    expect(await storedMessages(group.groupId)).toEqual(['진짜 호스트']);
  });

  it('A member who left the group can no longer post', async () => {
    const host = await makeUser();
    const member = await makeUser();
    const group = await createGroup(host, [member]);
    const client = await connect(member);
    await join(client, group.groupId);
    await Applier.destroy({ where: { groupId: group.groupId, userId: member.userId } });
    expect(
      (await refusal(client, 'reqMessage', group.groupId, member.userId, '안녕')).message,
    ).toBe(CHAT.notMember);
  });

  it.each([
    ['no group id', undefined, CHAT.badGroup],
    ['an object as group id', { groupId: 'x' }, CHAT.badGroup],
    ['an unknown group', 'no-such-group', CHAT.notMember],
  ])('Joining with %s is refused', async (_name, groupId, message) => {
    const user = await makeUser();
    const client = await connect(user);
    expect((await refusal(client, 'chatRoom', groupId)).message).toBe(message);
  });
});

describe('legacy clients (CHAT_LEGACY_CLIENTS=true)', () => {
  it("The published SPA's own sequence shows the history and live messages", async () => {
    const host = await makeUser();
    const member = await makeUser({ profileUrl: 'https://example.com/member.png' });
    const group = await createGroup(host, [member]);
    await seedMessages(group, host, 2);
    const hostSpa = await openAsSpa();
    const memberSpa = await openAsSpa();

    // What the SPA emits: `chatRoom(groupId, userId)` right after connecting.
    const history = await join(hostSpa, group.groupId, host.userId);
    expect(history.map((m) => m.message)).toEqual(['기록 1', '기록 2']);
    expect(history[0]).toMatchObject({
      userId: host.userId,
      nickname: host.nickname,
      profileUrl: host.profileUrl,
    });
    await join(memberSpa, group.groupId, member.userId);
    // A client with a token on the same server shares the room.
    const hostApp = await connect(host, legacy);
    await join(hostApp, group.groupId);

    // Then `reqMessage(groupId, userId, message)` on Enter; everyone gets `chatMessage`.
    const toHostSpa = next<ChatMessage>(hostSpa, 'chatMessage');
    const toHostApp = next<ChatMessage>(hostApp, 'chatMessage');
    const echoed = await send(memberSpa, member, group.groupId, '토큰 없이도 돼요');
    expect(echoed).toMatchObject({
      userId: member.userId,
      nickname: member.nickname,
      profileUrl: 'https://example.com/member.png',
      message: '토큰 없이도 돼요',
    });
    expect(await toHostSpa).toEqual(echoed);
    expect(await toHostApp).toEqual(echoed);
    expect(await storedMessages(group.groupId)).toEqual(['기록 1', '기록 2', '토큰 없이도 돼요']);
  });

  it('A client without a token must still name a member: others are refused, the room sees nothing', async () => {
    const host = await makeUser();
    const outsider = await makeUser();
    const group = await createGroup(host);
    await seedMessages(group, host, 1);
    const hostSpa = await openAsSpa();
    await join(hostSpa, group.groupId, host.userId);
    const intruder = await openAsSpa();
    const noList = jest.fn();
    intruder.on('chatList', noList);

    expect(await refusal(intruder, 'chatRoom', group.groupId, outsider.userId)).toEqual({
      success: false,
      message: CHAT.notMember,
      event: 'chatRoom',
    });
    expect((await refusal(intruder, 'chatRoom', group.groupId, 'no-such-user')).message).toBe(
      CHAT.notMember,
    );
    expect((await refusal(intruder, 'chatRoom', group.groupId)).message).toBe(CHAT.wrongUser);
    expect((await refusal(intruder, 'chatRoom', group.groupId, { userId: 1 })).message).toBe(
      CHAT.wrongUser,
    );
    expect(
      (await refusal(intruder, 'reqMessage', group.groupId, outsider.userId, '끼워줘')).message,
    ).toBe(CHAT.notMember);
    const [first] = await Chat.findAll({ where: { groupId: group.groupId }, limit: 1 });
    expect(
      (await refusal(intruder, 'chatHistory', group.groupId, first.chatId, outsider.userId))
        .message,
    ).toBe(CHAT.notMember);

    // The host's next message is the first one the room sees.
    expect((await send(hostSpa, host, group.groupId, '호스트')).message).toBe('호스트');
    expect(noList).not.toHaveBeenCalled();
    expect(await storedMessages(group.groupId)).toEqual(['기록 1', '호스트']);
  });

  it("A client that presents a token keeps the token's identity", async () => {
    const host = await makeUser();
    const member = await makeUser();
    const group = await createGroup(host, [member]);
    const memberApp = await connect(member, legacy);
    expect((await refusal(memberApp, 'chatRoom', group.groupId, host.userId)).message).toBe(
      CHAT.wrongUser,
    );
    expect(
      (await refusal(memberApp, 'reqMessage', group.groupId, host.userId, '호스트인 척')).message,
    ).toBe(CHAT.wrongUser);
    expect(await refusedHandshake({ auth: { token: 'undefined' } }, legacy.url)).toMatchObject({
      message: AUTH.tokenInvalid,
    });
    expect(await storedMessages(group.groupId)).toEqual([]);
  });
});

describe('who stops hearing the room', () => {
  it('An applicant who cancels is taken out of the room at once, on every connection', async () => {
    const host = await makeUser();
    const member = await makeUser();
    const group = await createGroup(host, [member]);
    const other = await createGroup(host, [member]);
    const [hostApp, memberApp] = [await connect(host), await connect(member)];
    const [hostSpa, memberSpa] = [await openAsSpa(), await openAsSpa()];
    for (const groupId of [group.groupId, other.groupId]) {
      await join(hostApp, groupId);
      await join(memberApp, groupId);
      await join(hostSpa, groupId, host.userId);
      await join(memberSpa, groupId, member.userId);
    }

    const res = await request(ctx.app)
      .post(`/group/${group.groupId}/apply`)
      .set(authHeaders(await signIn(ctx, member)));
    expect(res.status).toBe(200);
    expect(res.body.data.applyState).toBe(false);

    // Each server sends to the cancelled group, then to the other one: a socket still in the
    // first room would receive that message first.
    const heard = [memberApp, memberSpa].map((client) => next<ChatMessage>(client, 'chatMessage'));
    for (const hostSocket of [hostApp, hostSpa]) {
      await send(hostSocket, host, group.groupId, '취소한 사람은 못 봐요');
      await send(hostSocket, host, other.groupId, '다른 방은 보여요');
    }
    for (const first of await Promise.all(heard)) expect(first.message).toBe('다른 방은 보여요');
    expect((await refusal(memberApp, 'chatRoom', group.groupId)).message).toBe(CHAT.notMember);
  });

  it('A withdrawn account is disconnected everywhere, with or without a token', async () => {
    const host = await makeUser();
    const member = await makeUser();
    const group = await createGroup(host, [member]);
    const phone = await signIn(ctx, member);
    const laptop = await connect(member);
    const phoneSocket = await connectWith(phone.token);
    const memberSpa = await openAsSpa();
    await join(memberSpa, group.groupId, member.userId);
    const closed = [laptop, phoneSocket, memberSpa].map((c) => next<string>(c, 'disconnect'));

    const res = await request(ctx.app).delete('/user/delete').set(authHeaders(phone));
    expect(res.status).toBe(200);
    expect(await Promise.all(closed)).toEqual(Array(3).fill('io server disconnect'));
    expect(await refusedHandshake({ auth: { token: phone.token } })).toMatchObject({
      message: AUTH.tokenInvalid,
    });
  });

  it("Logging out closes that session's connections only, and its token no longer connects", async () => {
    const host = await makeUser();
    const group = await createGroup(host);
    const phone = await signIn(ctx, host);
    const laptop = await signIn(ctx, host);
    const phoneSocket = await connectWith(phone.token);
    const laptopSocket = await connectWith(laptop.token);
    await join(phoneSocket, group.groupId);
    await join(laptopSocket, group.groupId);
    const closed = next<string>(phoneSocket, 'disconnect');

    const res = await request(ctx.app).delete('/user/logout').set(authHeaders(phone));
    expect(res.status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect(await refusedHandshake({ auth: { token: phone.token } })).toEqual({
      message: AUTH.tokenInvalid,
      data: { success: false, message: AUTH.tokenInvalid },
    });
    expect((await send(laptopSocket, host, group.groupId, '노트북은 그대로')).message).toBe(
      '노트북은 그대로',
    );
  });

  it('A connection is closed when its token expires, without waiting for its next event', async () => {
    const host = await makeUser();
    const start = Date.now();
    setClock(0, start);
    const { token } = await signIn(ctx, host, 60);
    const expiresAt = (jwt.decode(token) as { exp: number }).exp * 1000;
    // Frozen 300 ms before the expiry on the server's clock.
    setClock(expiresAt - 300 - start, start);
    const client = await connectWith(token);
    const told = next<ErrorPayload>(client, 'error');
    const closed = next<string>(client, 'disconnect');
    expect(await told).toEqual({
      success: false,
      message: AUTH.accessRenewed,
      event: 'connection',
    });
    expect(await closed).toBe('io server disconnect');
  });

  it("A user's sixth connection ends the oldest one, which is told why", async () => {
    const host = await makeUser();
    const group = await createGroup(host);
    const five: Socket[] = [];
    for (let i = 0; i < 5; i += 1) five.push(await connect(host));
    const told = next<ErrorPayload>(five[0], 'error');
    const closed = next<string>(five[0], 'disconnect');
    const sixth = await connect(host);
    expect(await told).toEqual({
      success: false,
      message: CHAT.tooManyConnections,
      event: 'connection',
    });
    expect(await closed).toBe('io server disconnect');
    // The others go on.
    for (const client of [...five.slice(1), sixth]) await join(client, group.groupId);
  });
});

describe('history', () => {
  it('Joining gives the latest 100 messages oldest first; older pages follow the cursor', async () => {
    const host = await makeUser();
    const group = await createGroup(host);
    await seedMessages(group, host, 230);
    const client = await connect(host);

    const latest = await join(client, group.groupId, host.userId);
    expect(latest.map((m) => m.message)).toEqual(
      Array.from({ length: 100 }, (_, i) => `기록 ${131 + i}`),
    );
    expect(latest[0]).toEqual({
      chatId: expect.stringMatching(/^\d+$/),
      groupId: group.groupId,
      userId: host.userId,
      nickname: host.nickname,
      profileUrl: host.profileUrl,
      message: '기록 131',
      createdAt: '2030-01-01T00:02:10.000Z',
    });

    const page = async (cursor: string | number) => {
      const answer = next<HistoryPage & { groupId: string }>(client, 'chatHistory');
      client.emit('chatHistory', group.groupId, cursor);
      return answer;
    };
    const second = await page(latest[0].chatId);
    expect(second.groupId).toBe(group.groupId);
    expect(second.messages.map((m) => m.message)).toEqual(
      Array.from({ length: 100 }, (_, i) => `기록 ${31 + i}`),
    );
    expect(second.nextCursor).toBe(second.messages[0].chatId);
    // A numeric cursor works as well as the string id.
    const third = await page(Number(second.nextCursor));
    expect(third.messages.map((m) => m.message)).toEqual(
      Array.from({ length: 30 }, (_, i) => `기록 ${i + 1}`),
    );
    expect(third.nextCursor).toBeNull();
    expect(await page(third.messages[0].chatId)).toEqual({
      groupId: group.groupId,
      messages: [],
      nextCursor: null,
    });
  });

  it('Messages stored by the original server (no time) have a null createdAt', async () => {
    const host = await makeUser();
    const group = await createGroup(host);
    await Chat.create({
      groupId: group.groupId,
      userId: host.userId,
      nickname: host.nickname,
      profileUrl: host.profileUrl,
      message: '옛날 메시지',
    });
    await Chat.update({ createdAt: null }, { where: { groupId: group.groupId } });
    const client = await connect(host);
    expect((await join(client, group.groupId))[0]).toMatchObject({
      message: '옛날 메시지',
      createdAt: null,
    });
  });

  it.each([['abc'], [0], [-5], ['12x'], [null], [1.5]])(
    'A bad cursor (%p) is refused',
    async (cursor) => {
      const host = await makeUser();
      const group = await createGroup(host);
      const client = await connect(host);
      expect((await refusal(client, 'chatHistory', group.groupId, cursor)).message).toBe(
        CHAT.badCursor,
      );
    },
  );
});

describe('message rules', () => {
  it('Accepts 500 characters (an emoji counts as one), refuses 501 and blank messages', async () => {
    const { host, group, client } = await hostInRoom();
    const korean = '가'.repeat(500);
    const emoji = '🏃'.repeat(500);
    expect((await send(client, host, group.groupId, korean)).message).toBe(korean);
    expect((await send(client, host, group.groupId, emoji)).message).toBe(emoji);
    for (const [message, expected] of [
      ['가'.repeat(501), CHAT.messageTooLong],
      ['🏃'.repeat(501), CHAT.messageTooLong],
      ['', CHAT.messageMissing],
      [' \n\t ', CHAT.messageMissing],
      [42, CHAT.messageMissing],
      [undefined, CHAT.messageMissing],
    ] as const) {
      expect(
        (await refusal(client, 'reqMessage', group.groupId, host.userId, message)).message,
      ).toBe(expected);
    }
    expect(await storedMessages(group.groupId)).toEqual([korean, emoji]);
  });

  it('Allows 10 messages in a burst, refuses the 11th, and refills at one a second', async () => {
    const { host, group, client } = await hostInRoom();
    const start = Date.now();
    setClock(0, start);

    const burst = Array.from({ length: 10 }, (_, i) => `${i + 1}`);
    const received = collect(client, burst.length);
    const refused = next<ErrorPayload>(client, 'error');
    for (const text of [...burst, '11'])
      client.emit('reqMessage', group.groupId, host.userId, text);
    // The refusal is immediate; the accepted ones are stored and broadcast in order.
    expect(await refused).toEqual({ success: false, message: CHAT.tooFast, event: 'reqMessage' });
    expect(await received).toEqual(burst);

    setClock(1000, start);
    expect((await send(client, host, group.groupId, 'again')).message).toBe('again');
    expect((await refusal(client, 'reqMessage', group.groupId, host.userId, 'more')).message).toBe(
      CHAT.tooFast,
    );
    expect(await storedMessages(group.groupId)).toEqual([...burst, 'again']);
  });

  it('The limit is per user too: opening another connection does not reset it', async () => {
    const { host, group, client: first } = await hostInRoom();
    const second = await connect(host);
    await join(second, group.groupId);
    const start = Date.now();
    setClock(0, start);
    for (let i = 0; i < 5; i += 1) await send(first, host, group.groupId, `첫 탭 ${i}`);
    for (let i = 0; i < 5; i += 1) await send(second, host, group.groupId, `둘째 탭 ${i}`);
    for (const client of [first, second, await connect(host)]) {
      expect((await refusal(client, 'reqMessage', group.groupId, host.userId, 'x')).message).toBe(
        CHAT.tooFast,
      );
    }
    // Another user in the same room is not held back by it.
    const member = await makeUser();
    await Applier.create({ groupId: group.groupId, userId: member.userId });
    const memberSocket = await connect(member);
    await join(memberSocket, group.groupId);
    expect((await send(memberSocket, member, group.groupId, '나는 괜찮아')).message).toBe(
      '나는 괜찮아',
    );
    setClock(1000, start);
    expect((await send(second, host, group.groupId, '1초 뒤')).message).toBe('1초 뒤');
    expect(await storedMessages(group.groupId)).toHaveLength(12);
  });

  it('Joins count per user as well', async () => {
    const host = await makeUser();
    const group = await createGroup(host);
    const [first, second] = [await connect(host), await connect(host)];
    setClock(0);
    for (let i = 0; i < 10; i += 1) {
      await join(first, group.groupId);
      await join(second, group.groupId);
    }
    expect((await refusal(second, 'chatRoom', group.groupId)).message).toBe(CHAT.tooManyRequests);
  });

  it('Joins and history pages are limited too', async () => {
    const host = await makeUser();
    const group = await createGroup(host);
    const client = await connect(host);
    setClock(0);
    for (let i = 0; i < 20; i += 1) await join(client, group.groupId);
    expect((await refusal(client, 'chatRoom', group.groupId)).message).toBe(CHAT.tooManyRequests);
  });
});

describe('failures', () => {
  it('A database failure is an error event, nothing is broadcast, and the chat keeps working', async () => {
    const { host, group, client } = await hostInRoom();

    jest.spyOn(Chat, 'create').mockRejectedValueOnce(new Error('disk full'));
    expect(await refusal(client, 'reqMessage', group.groupId, host.userId, '실패')).toEqual({
      success: false,
      message: MESSAGES.internal,
      event: 'reqMessage',
    });
    jest
      .spyOn(Chat, 'findAll')
      .mockRejectedValueOnce(new ConnectionError(new Error('connection lost')));
    expect((await refusal(client, 'chatRoom', group.groupId)).message).toBe(MESSAGES.unavailable);

    expect((await send(client, host, group.groupId, '복구')).message).toBe('복구');
    expect(await storedMessages(group.groupId)).toEqual(['복구']);
  });

  it('While the key store fails, the per-user limits let events through, with one warning', async () => {
    const { host, group, client } = await hostInRoom();
    const failures = async () =>
      (await ctx.metrics.keyStoreErrors.get()).values.find(
        (v) => v.labels.operation === 'chat_limit',
      )?.value ?? 0;
    const before = await failures();
    const takeToken = jest.spyOn(ctx.store, 'takeToken').mockRejectedValue(new Error('store down'));
    const warn = jest.spyOn(ctx.logger, 'warn');
    const info = jest.spyOn(ctx.logger, 'info');
    const start = Date.now();
    setClock(0, start);
    const burst = Array.from({ length: 10 }, (_, i) => `${i + 1}`);
    const received = collect(client, burst.length);
    const refused = next<ErrorPayload>(client, 'error');
    for (const text of [...burst, '11']) {
      client.emit('reqMessage', group.groupId, host.userId, text);
    }
    // The connection's own limit still holds.
    expect(await received).toEqual(burst);
    expect((await refused).message).toBe(CHAT.tooFast);
    expect(await failures()).toBe(before + 10);
    const warnings = warn.mock.calls.filter(([message]) =>
      /chat per-user limits/.test(String(message)),
    );
    expect(warnings).toHaveLength(1);

    takeToken.mockRestore();
    setClock(1000, start);
    expect((await send(client, host, group.groupId, '복구')).message).toBe('복구');
    expect(info).toHaveBeenCalledWith('chat rate limits: key store answers again');
    expect(await storedMessages(group.groupId)).toEqual([...burst, '복구']);
  });

  it('Closing the chat ends its connections', async () => {
    const served = await serve(ctx);
    const host = await makeUser();
    const client = await connect(host, served);
    const closed = next<string>(client, 'disconnect');
    await served.close();
    expect(await closed).toBe('transport close');
  });
});

describe('scale-out with Redis', () => {
  let redis: PrivateRedis;
  const stores: RedisKeyStore[] = [];
  const instances: Served[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await Promise.all(stores.map((store) => store.close()));
    await redis.stop();
  });

  /** Another API process: same database, its own Redis connections and socket.io server. */
  async function instanceOnRedis(): Promise<Served> {
    const store = await RedisKeyStore.connect(
      redis.url,
      ctx.config.store.keyPrefix,
      createLogger({ level: 'silent', format: 'json' }),
    );
    stores.push(store);
    const served = await serve({
      ...ctx,
      config: { ...ctx.config, store: { ...ctx.config.store, redisUrl: redis.url } },
      store,
      events: new DomainEventHub(ctx.logger),
    });
    instances.push(served);
    return served;
  }

  it('A message posted on one process reaches a member connected to the other', async () => {
    const [one, two] = [await instanceOnRedis(), await instanceOnRedis()];
    const host = await makeUser();
    const member = await makeUser();
    const group = await createGroup(host, [member]);
    const hostSocket = await connect(host, one);
    const memberSocket = await connect(member, two);
    await join(hostSocket, group.groupId);
    await join(memberSocket, group.groupId);

    const onTwo = next<ChatMessage>(memberSocket, 'chatMessage');
    const onOne = await send(hostSocket, host, group.groupId, '다른 서버에도 보여요');
    expect(await onTwo).toEqual(onOne);

    const backOnOne = next<ChatMessage>(hostSocket, 'chatMessage');
    await send(memberSocket, member, group.groupId, '잘 보여요');
    expect((await backOnOne).message).toBe('잘 보여요');
  });

  it("A user's limits count over every process: a burst used on one is refused on the other", async () => {
    const [one, two] = [await instanceOnRedis(), await instanceOnRedis()];
    const host = await makeUser();
    const group = await createGroup(host);
    const onOne = await connect(host, one);
    const onTwo = await connect(host, two);
    await join(onOne, group.groupId);
    await join(onTwo, group.groupId);
    const start = Date.now();
    setClock(0, start);

    const burst = Array.from({ length: 10 }, (_, i) => `${i + 1}`);
    const seenOnTwo = collect(onTwo, burst.length);
    for (const text of burst) await send(onOne, host, group.groupId, text);
    expect(await seenOnTwo).toEqual(burst);
    // A fresh connection on the other process: its own bucket is full, the user's is empty.
    expect((await refusal(onTwo, 'reqMessage', group.groupId, host.userId, 'x')).message).toBe(
      CHAT.tooFast,
    );
    setClock(1000, start);
    expect((await send(onTwo, host, group.groupId, '1초 뒤')).message).toBe('1초 뒤');
    expect((await refusal(onOne, 'reqMessage', group.groupId, host.userId, 'y')).message).toBe(
      CHAT.tooFast,
    );
    expect(await storedMessages(group.groupId)).toEqual([...burst, '1초 뒤']);
  });

  it('Leaving a run and logging out on one process reach the sockets on the other', async () => {
    const [one, two] = [await instanceOnRedis(), await instanceOnRedis()];
    const host = await makeUser();
    const member = await makeUser();
    const group = await createGroup(host, [member]);
    const other = await createGroup(host, [member]);
    const hostSocket = await connect(host, one);
    const session = await signIn(two.context, member);
    const memberSocket = await connectWith(session.token, two);
    for (const groupId of [group.groupId, other.groupId]) {
      await join(hostSocket, groupId);
      await join(memberSocket, groupId);
    }

    // Handled by process one, whose events reach process two's sockets through Redis.
    await toggleApplication(one.context, member.userId, group.groupId);
    const heard = next<ChatMessage>(memberSocket, 'chatMessage');
    await send(hostSocket, host, group.groupId, '취소한 사람은 못 봐요');
    await send(hostSocket, host, other.groupId, '다른 방은 보여요');
    expect((await heard).message).toBe('다른 방은 보여요');

    const closed = next<string>(memberSocket, 'disconnect');
    await logout(one.context, member.userId, session.sid);
    expect(await closed).toBe('io server disconnect');
  });
});

describe('chat settings', () => {
  const load = (env: Record<string, string>) =>
    loadConfig({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-chat-')), ...env });

  it('Legacy clients are off unless enabled; five connections per user by default', () => {
    expect(load({}).chat).toEqual({ legacyClients: false, maxSocketsPerUser: 5 });
    expect(load({ CHAT_LEGACY_CLIENTS: 'true', CHAT_MAX_SOCKETS_PER_USER: '2' }).chat).toEqual({
      legacyClients: true,
      maxSocketsPerUser: 2,
    });
  });

  it('Reports bad chat settings by name', () => {
    let error: unknown;
    try {
      load({ CHAT_LEGACY_CLIENTS: 'maybe', CHAT_MAX_SOCKETS_PER_USER: '0' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('CHAT_LEGACY_CLIENTS');
    expect(problems).toContain('CHAT_MAX_SOCKETS_PER_USER');
  });
});
