import { ConnectionError, type PromptEvent, type ReconnectInfo } from "@prompt-service/sdk";
import { WebSocket as UndiciWebSocket } from "undici";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AccessTokenSource } from "../../src/core/http.js";
import { EventStream, type EventStreamOptions } from "../../src/realtime/event-stream.js";
import { openNodeSocket } from "../../src/realtime/sockets/node.js";
import type { OpenSocket } from "../../src/realtime/sockets/socket.js";
import { standardSocketOpener } from "../../src/realtime/sockets/standard.js";
import { startSocketServer } from "../support/socket-server.js";

const completed = {
  type: "prompt.message",
  event: "prompt_completed",
  data: {
    id: 1,
    prompt: "hola",
    response: "[mocked-llm_response] hola",
    created_at: "2025-01-01T00:00:00.000Z",
  },
};
const deleted = { type: "prompt.message", event: "prompt_deleted", data: { id: 1 } };
const delta = {
  type: "prompt.delta",
  event: "prompt_delta",
  data: { id: 1, index: 0, delta: "[mocked-llm_response] " },
};

/** Hands out "t1", then "t2"… : a new one on each refresh after a rejection. */
function tokenSequence() {
  let current = 1;
  return {
    accessToken: vi.fn(async () => `t${current}`),
    refreshAfterRejection: vi.fn(async () => `t${++current}`),
  } satisfies AccessTokenSource;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  options: EventStreamOptions = {},
  {
    tokens = tokenSequence() as AccessTokenSource,
    openSocket = openNodeSocket as OpenSocket,
    refuse = undefined as ((token?: string) => number | undefined) | undefined,
  } = {},
) {
  const server = await startSocketServer({ refuse });
  cleanups.push(() => server.close());
  const stream = new EventStream(
    { url: server.url, tokens, openSocket },
    { reconnect: { initialDelay: 20, maxDelay: 100 }, ...options },
  );
  cleanups.push(() => stream.close());
  const reconnects: ReconnectInfo[] = [];
  stream.on("reconnecting", (info) => reconnects.push(info));
  return { server, stream, tokens, reconnects };
}

describe("EventStream", () => {
  it("yields the server's events to for-await loops and to listeners by name, skipping what it does not know", async () => {
    const { server, stream } = await setup();
    const deltas: unknown[] = [];
    const deletions: unknown[] = [];
    const all: string[] = [];
    stream.on("prompt_delta", (data) => deltas.push(data));
    stream.on("prompt_deleted", (data) => deletions.push(data));
    stream.on("event", (event) => all.push(event.event));
    const iterator = stream[Symbol.asyncIterator]();
    await stream.ready();
    const connection = await server.connection(0);
    expect(connection.token).toBe("t1");

    for (const message of [
      { type: "pong" },
      { type: "prompt.future", event: "x", data: {} },
      { type: "prompt.delta", event: "prompt_completed", data: {} },
      delta,
      completed,
      deleted,
    ]) {
      connection.socket.send(JSON.stringify(message));
    }
    connection.socket.send("not json");

    expect((await iterator.next()).value).toEqual(delta);
    expect((await iterator.next()).value).toEqual(completed);
    expect((await iterator.next()).value).toEqual(deleted);
    expect(deltas).toEqual([delta.data]);
    expect(deletions).toEqual([{ id: 1 }]);
    expect(all).toEqual(["prompt_delta", "prompt_completed", "prompt_deleted"]);
  });

  it("reconnects at once with a fresh token when the server says the token expired (4401)", async () => {
    const { server, stream, tokens, reconnects } = await setup();
    await stream.ready();
    (await server.connection(0)).socket.close(4401, "token expired");
    const second = await server.connection(1);
    expect(second.token).toBe("t2");
    expect(tokens.refreshAfterRejection).toHaveBeenCalledWith("t1", expect.any(AbortSignal));
    expect(reconnects).toEqual([{ attempt: 1, delayMs: 0, code: 4401, reason: "token expired" }]);
  });

  it("comes back at once after every expiry of an open connection's token", async () => {
    const { server, stream, reconnects } = await setup();
    await stream.ready();
    for (let index = 0; index < 3; index++)
      (await server.connection(index)).socket.close(4401, "token expired");
    expect((await server.connection(3)).token).toBe("t4");
    expect(reconnects.map(({ attempt, delayMs }) => ({ attempt, delayMs }))).toEqual(
      Array.from({ length: 3 }, () => ({ attempt: 1, delayMs: 0 })),
    );
  });

  it("treats an upgrade refused with HTTP 401 like a 4401, backing off before the next attempt", async () => {
    const { server, reconnects } = await setup({}, { refuse: (token) => (token === "t1" ? 401 : undefined) });
    expect((await server.connection(0)).token).toBe("t2");
    expect(reconnects[0]).toMatchObject({ code: 4401, reason: "the server refused the upgrade: HTTP 401" });
    expect(reconnects[0]?.delayMs).toBeGreaterThan(0);
  });

  it("reconnects with backoff after the server goes away (1001), taking a token again", async () => {
    const { server, stream, tokens, reconnects } = await setup();
    await stream.ready();
    (await server.connection(0)).socket.close(1001, "server shutting down");
    await server.connection(1);
    expect(tokens.accessToken).toHaveBeenCalledTimes(2);
    expect(tokens.refreshAfterRejection).not.toHaveBeenCalled();
    expect(reconnects[0]).toMatchObject({ attempt: 1, code: 1001, reason: "server shutting down" });
    expect(reconnects[0]?.delayMs).toBeGreaterThanOrEqual(15);
    expect(reconnects[0]?.delayMs).toBeLessThanOrEqual(20);
  });

  it("reconnects after a slow-consumer close (4408)", async () => {
    const { server, stream } = await setup();
    await stream.ready();
    (await server.connection(0)).socket.close(4408, "client too slow");
    await server.connection(1);
  });

  it.each([
    [1008, "policy violation"],
    [4403, "forbidden"],
  ])("ends with a ConnectionError when the server refuses the client (%i)", async (code, reason) => {
    const { server, stream } = await setup();
    const iterator = stream[Symbol.asyncIterator]();
    const closed = new Promise((resolve) => stream.on("close", resolve));
    await stream.ready();
    (await server.connection(0)).socket.close(code, reason);
    await expect(iterator.next()).rejects.toThrow(new RegExp(`${code} ${reason}`));
    expect(await closed).toBeInstanceOf(ConnectionError);
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
    await expect(stream.ready()).rejects.toBeInstanceOf(ConnectionError);
    expect(server.connections).toHaveLength(1);
  });

  it("gives up after maxAttempts reconnections in a row", async () => {
    const { server, stream, reconnects } = await setup({ reconnect: { maxAttempts: 2, initialDelay: 5 } });
    const closed = new Promise((resolve) => stream.on("close", resolve));
    await stream.ready();
    await server.close();
    expect(await closed).toMatchObject({
      message: expect.stringMatching(/Gave up reconnecting after 2 attempts/),
    });
    expect(reconnects.map((info) => info.attempt)).toEqual([1, 2]);
  });

  it("pings, and reconnects when the server stops answering", async () => {
    const { server, stream, reconnects } = await setup({ heartbeatInterval: 40 });
    await stream.ready();
    const first = await server.connection(0);
    await vi.waitFor(() => expect(first.received.length).toBeGreaterThanOrEqual(2));
    expect(first.received[0]).toBe('{"type":"ping"}');
    first.answerPings = false;
    await server.connection(1);
    expect(reconnects[0]).toMatchObject({ code: 1006 });
  });

  it("closes cleanly: a 1000 close, finished loops, no reconnection", async () => {
    const { server, stream } = await setup();
    const closes: unknown[] = [];
    stream.on("close", (error) => closes.push(error));
    const loop = (async () => {
      const seen: PromptEvent[] = [];
      for await (const event of stream) seen.push(event);
      return seen;
    })();
    await stream.ready();
    const connection = await server.connection(0);
    await stream.close();
    await expect(loop).resolves.toEqual([]);
    await expect(connection.closed).resolves.toBe(1000);
    expect(closes).toEqual([undefined]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.connections).toHaveLength(1);
  });

  it("closes when a for-await loop is left early", async () => {
    const { server, stream } = await setup();
    await stream.ready();
    const connection = await server.connection(0);
    connection.socket.send(JSON.stringify(completed));
    for await (const event of stream) {
      expect(event).toEqual(completed);
      break;
    }
    await expect(connection.closed).resolves.toBe(1000);
  });

  it("closes when its signal aborts, also while connecting", async () => {
    const controller = new AbortController();
    const { stream } = await setup({ signal: controller.signal });
    controller.abort();
    await expect(stream.ready()).rejects.toBeInstanceOf(ConnectionError);
    const { stream: never } = await setup({ signal: AbortSignal.abort() });
    await expect(never.ready()).rejects.toThrow(/closed/);
  });

  it("fails with AuthenticationError, without connecting, when there is no token", async () => {
    const tokens = { accessToken: async () => undefined, refreshAfterRejection: async () => undefined };
    const { server, stream } = await setup({}, { tokens });
    await expect(stream.ready()).rejects.toMatchObject({
      name: "AuthenticationError",
      code: "not_authenticated",
    });
    expect(server.connections).toHaveLength(0);
  });

  it("retries when a token cannot be had for a passing reason (the server restarting)", async () => {
    const tokens = tokenSequence();
    tokens.accessToken.mockRejectedValueOnce(new ConnectionError("refresh failed: ECONNREFUSED"));
    const { server, reconnects } = await setup({}, { tokens });
    await server.connection(0);
    expect(reconnects[0]).toMatchObject({ code: 1006, reason: "refresh failed: ECONNREFUSED" });
  });

  it("works over a standard WebSocket (undici's), with the token as the bearer subprotocol", async () => {
    const { server, stream } = await setup({}, { openSocket: standardSocketOpener(UndiciWebSocket) });
    const iterator = stream[Symbol.asyncIterator]();
    await stream.ready();
    const connection = await server.connection(0);
    expect(connection.token).toBe("t1");
    connection.socket.send(JSON.stringify(completed));
    expect((await iterator.next()).value).toEqual(completed);
    connection.socket.close(4401, "token expired");
    expect((await server.connection(1)).token).toBe("t2");
  });
});
