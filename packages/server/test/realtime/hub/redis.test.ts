import {
  requireRedis,
  startTcpProxy,
  type TcpProxy,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
} from "@prompt-service/testkit";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import {
  type CreateHubOptions,
  createHub,
  type EventHub,
  type HubStatusChange,
  HubUnavailableError,
  userGroup,
} from "../../../src/realtime/hub/index.js";
import { hubContract } from "./contract.js";
import { recorder } from "./recorder.js";

await requireRedis();

const RESUME_MS = 10_000;

/** Inspects Redis from outside the hubs, as an operator would. */
const admin = new Redis(TEST_REDIS_URL);
const opened: EventHub[] = [];
const proxies: TcpProxy[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((hub) => hub.close()));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});
afterAll(() => admin.quit());

/** A hub closed after the test; by default on the test Redis, with a prefix of its own. */
async function open(options: CreateHubOptions = {}): Promise<EventHub> {
  const hub = await createHub({ redisUrl: TEST_REDIS_URL, prefix: uniqueRedisPrefix("hub"), ...options });
  opened.push(hub);
  return hub;
}

async function proxyToRedis(): Promise<TcpProxy> {
  const proxy = await startTcpProxy(TEST_REDIS_URL);
  proxies.push(proxy);
  return proxy;
}

async function subscribersOf(channel: string): Promise<number> {
  const [, count] = (await admin.pubsub("NUMSUB", channel)) as [string, number];
  return Number(count);
}

/** The hub's connections, found by the names it gives them. */
async function connectionsNamed(name: string): Promise<string[]> {
  const list = (await admin.client("LIST")) as string;
  return list
    .split("\n")
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /^id=(\d+)/.exec(line)?.[1] ?? "");
}

function statusLog() {
  const changes: HubStatusChange[] = [];
  return {
    changes,
    onStatus: (change: HubStatusChange) => changes.push(change),
    /** Waits for a change after the first `since` ones. */
    waitFor: (since: number, connection: HubStatusChange["connection"], status: HubStatusChange["status"]) =>
      vi.waitFor(
        () => expect(changes.slice(since)).toContainEqual(expect.objectContaining({ connection, status })),
        { timeout: RESUME_MS, interval: 20 },
      ),
  };
}

const freshGroup = () => userGroup(Math.floor(Math.random() * 1e12));

hubContract("Redis", async () => {
  const prefix = uniqueRedisPrefix("hub-contract");
  return {
    kind: "redis",
    open: (options) => createHub({ redisUrl: TEST_REDIS_URL, prefix, ...options }),
  };
});

describe("Redis hub across server instances", () => {
  it("delivers an event published on any instance once to every listener on every instance", async () => {
    const prefix = uniqueRedisPrefix("hub");
    const [first, second] = await Promise.all([open({ prefix }), open({ prefix })]);
    const group = freshGroup();
    const [onFirst, onSecond] = [recorder(), recorder()];
    await first.subscribe(group, onFirst.listener);
    await second.subscribe(group, onSecond.listener);
    await first.publish(group, { from: "first" });
    await second.publish(group, { from: "second" });
    // A fence from each publisher: once both arrived, every earlier event of theirs has too.
    await first.publish(group, { fence: "first" });
    await second.publish(group, { fence: "second" });
    for (const listener of [onFirst, onSecond]) {
      await listener.waitFor(4);
      expect(listener.events).toHaveLength(4);
      expect(listener.events).toEqual(
        expect.arrayContaining([
          { from: "first" },
          { from: "second" },
          { fence: "first" },
          { fence: "second" },
        ]),
      );
    }
  });

  it("keeps deployments with different prefixes apart on one Redis", async () => {
    const [ours, theirs] = await Promise.all([open(), open()]);
    const group = freshGroup();
    const theirListener = recorder();
    await theirs.subscribe(group, theirListener.listener);
    await ours.publish(group, { secret: true });
    await theirs.publish(group, { fence: true });
    expect(await theirListener.waitFor(1)).toEqual([{ fence: true }]);
  });

  it("holds one subscriber connection per instance and one channel subscription per group", async () => {
    const prefix = uniqueRedisPrefix("hub");
    const [first, second] = await Promise.all([open({ prefix }), open({ prefix })]);
    const group = freshGroup();
    const channel = `${prefix}events:${group}`;

    const onFirst = await Promise.all([1, 2, 3].map(() => first.subscribe(group, recorder().listener)));
    for (const other of [freshGroup(), freshGroup()]) await first.subscribe(other, recorder().listener);
    expect(await subscribersOf(channel)).toBe(1);
    expect(await connectionsNamed(`${prefix}hub:subscriber`)).toHaveLength(2);

    const unsubscribeSecond = await second.subscribe(group, recorder().listener);
    expect(await subscribersOf(channel)).toBe(2);

    await onFirst[0]?.();
    await onFirst[1]?.();
    expect(await subscribersOf(channel)).toBe(2);
    await onFirst[2]?.();
    expect(await subscribersOf(channel)).toBe(1);
    await unsubscribeSecond();
    expect(await subscribersOf(channel)).toBe(0);
    expect(await admin.pubsub("CHANNELS", `${prefix}events:${group}*`)).toEqual([]);
  });

  it("fails to start with a clear error, without the password, when Redis is unreachable", async () => {
    const failure = createHub({ redisUrl: "redis://:hunter2@127.0.0.1:1" });
    await expect(failure).rejects.toBeInstanceOf(HubUnavailableError);
    await expect(failure).rejects.toThrow(/cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });
});

describe("Redis hub through outages", () => {
  it("fails fast while Redis is away, then reconnects, re-subscribes and delivers again", async () => {
    const proxy = await proxyToRedis();
    const prefix = uniqueRedisPrefix("hub");
    const status = statusLog();
    const behindProxy = await open({
      redisUrl: proxy.url,
      prefix,
      onStatus: status.onStatus,
      publishHold: { ms: 100, limit: 10 },
    });
    const direct = await open({ prefix });
    const group = freshGroup();
    const listener = recorder();
    await behindProxy.subscribe(group, listener.listener);
    await direct.publish(group, { n: 1 });
    await listener.waitFor(1);

    const beforeCut = status.changes.length;
    proxy.cut();
    await status.waitFor(beforeCut, "publisher", "disconnected");
    await status.waitFor(beforeCut, "subscriber", "disconnected");
    // Held for its 100 ms, then refused.
    await expect(behindProxy.publish(group, { lost: true })).rejects.toBeInstanceOf(HubUnavailableError);
    const started = Date.now();
    await expect(behindProxy.subscribe(freshGroup(), () => undefined)).rejects.toBeInstanceOf(
      HubUnavailableError,
    );
    await expect(behindProxy.subscribe(group, () => undefined)).rejects.toBeInstanceOf(HubUnavailableError);
    await expect(behindProxy.ping()).rejects.toBeInstanceOf(HubUnavailableError);
    expect(Date.now() - started).toBeLessThan(500);
    await status.waitFor(beforeCut, "subscriber", "reconnecting");

    const beforeRestore = status.changes.length;
    proxy.restore();
    await status.waitFor(beforeRestore, "subscriber", "ready");
    await status.waitFor(beforeRestore, "publisher", "ready");
    await expect(behindProxy.ping()).resolves.toBeUndefined();
    // Published by another instance: reaches this one only if it subscribed the channel again in Redis.
    await direct.publish(group, { n: 2 });
    await behindProxy.publish(group, { n: 3 });
    expect(await listener.waitFor(3)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(await subscribersOf(`${prefix}events:${group}`)).toBe(1);
  });

  it("holds publishes made while Redis is away, in order, and sends them when it is back", async () => {
    const proxy = await proxyToRedis();
    const prefix = uniqueRedisPrefix("hub");
    const status = statusLog();
    const behindProxy = await open({
      redisUrl: proxy.url,
      prefix,
      onStatus: status.onStatus,
      publishHold: { ms: 30_000, limit: 2 },
    });
    const direct = await open({ prefix });
    const group = freshGroup();
    const listener = recorder();
    await direct.subscribe(group, listener.listener);

    const beforeCut = status.changes.length;
    proxy.cut();
    await status.waitFor(beforeCut, "publisher", "disconnected");
    const held = [behindProxy.publish(group, { n: 1 }), behindProxy.publish(group, { n: 2 })];
    // Bounded: past the limit a publish is refused at once rather than held.
    await expect(behindProxy.publish(group, { n: 3 })).rejects.toBeInstanceOf(HubUnavailableError);
    await status.waitFor(beforeCut, "publisher", "reconnecting");
    proxy.restore();
    await Promise.all(held);
    await behindProxy.publish(group, { n: 4 });
    expect(await listener.waitFor(3)).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
  });

  it("fails a publish within the command timeout when Redis stops answering", async () => {
    const proxy = await proxyToRedis();
    const status = statusLog();
    const hub = await open({ redisUrl: proxy.url, commandTimeoutMs: 300, onStatus: status.onStatus });
    const group = freshGroup();
    const listener = recorder();
    await hub.subscribe(group, listener.listener);

    proxy.stall();
    const started = Date.now();
    await expect(hub.publish(group, { stuck: true })).rejects.toBeInstanceOf(HubUnavailableError);
    await expect(hub.ping()).rejects.toBeInstanceOf(HubUnavailableError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(2_000);

    const beforeRestore = status.changes.length;
    proxy.restore();
    await status.waitFor(beforeRestore, "subscriber", "ready");
    await hub.publish(group, { n: 1 });
    expect(await listener.waitFor(1)).toEqual([{ n: 1 }]);
  });

  it("recovers when Redis itself kills the subscriber connection", async () => {
    const prefix = uniqueRedisPrefix("hub");
    const status = statusLog();
    const hub = await open({ prefix, onStatus: status.onStatus });
    const group = freshGroup();
    const listener = recorder();
    await hub.subscribe(group, listener.listener);
    const [id] = await connectionsNamed(`${prefix}hub:subscriber`);

    const beforeKill = status.changes.length;
    await admin.client("KILL", "ID", String(id));
    await status.waitFor(beforeKill, "subscriber", "disconnected");
    await status.waitFor(beforeKill, "subscriber", "ready");
    await hub.publish(group, { after: "kill" });
    expect(await listener.waitFor(1)).toEqual([{ after: "kill" }]);
  });
});
