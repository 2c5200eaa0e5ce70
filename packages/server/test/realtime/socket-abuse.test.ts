import { registerUser, startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordingSocket } from "./socket-client.js";

/** Sockets from one client address, whatever the accounts; per instance in all; messages per second. */
describe("socket limits no number of accounts gets around", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ wsMaxSocketsPerAddress: 3, wsMaxSockets: 5, wsMaxMessagesPerSecond: 5 });
  });
  afterAll(() => server.close());

  const connect = async (access: string, localAddress = "127.0.0.1") =>
    RecordingSocket.open(`${server.url.replace("http", "ws")}/ws/prompts/?token=${access}`, undefined, {
      localAddress,
    });

  it("closes a socket beyond the per-address limit, then beyond the instance's, with 4429", async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => registerUser(server.app)));
    const fromOne = await Promise.all(users.slice(0, 3).map((user) => connect(user.access, "127.0.0.2")));
    const fourth = await connect((users[3] as { access: string }).access, "127.0.0.2");
    expect(await fourth.waitForClose()).toMatchObject({ code: 4429 });

    const fromAnother = await Promise.all(users.slice(3, 5).map((user) => connect(user.access, "127.0.0.3")));
    // Five open on the instance: the sixth is refused, from whatever address.
    const sixth = await connect((users[5] as { access: string }).access, "127.0.0.4");
    expect(await sixth.waitForClose()).toMatchObject({ code: 4429 });
    for (const socket of [...fromOne, ...fromAnother]) expect(socket.closed).toBeUndefined();
    for (const socket of [...fromOne, ...fromAnother]) socket.close();
    await Promise.all([...fromOne, ...fromAnother].map((socket) => socket.waitForClose()));
  });

  it("closes a socket whose client sends more messages in a second than allowed", async () => {
    const user = await registerUser(server.app);
    const socket = await connect(user.access);
    for (let message = 0; message < 6; message++) socket.send('{"type":"ping"}');
    expect(await socket.waitForClose()).toMatchObject({ code: 4429 });
    expect(socket.messages.length).toBe(5);
  });
});
