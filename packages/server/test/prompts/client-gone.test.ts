/**
 * A POST whose client has gone is not processed: a client that gave up (its instance froze, its balancer timed out)
 * sends the prompt again elsewhere, and storing the stale copy too would keep it twice.
 */
import { registerUser, startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RecordingSocket } from "../realtime/socket-client.js";

let server: TestServer;
beforeAll(async () => {
  // The mock model writes its answer piece by piece, so that the client can leave while it writes.
  server = await startServer({ mockLlmDelay: "100ms" });
});
afterAll(() => server.close());

it("stores nothing, and tells the user's sockets, when the client leaves while the model answers", async () => {
  const user = await registerUser(server.app);
  const socket = await RecordingSocket.open(
    `${server.url.replace("http", "ws")}/ws/prompts/?token=${user.access}`,
  );
  const leave = new AbortController();
  const posted = fetch(`${server.url}/api/prompts`, {
    method: "POST",
    headers: { authorization: `Bearer ${user.access}`, "content-type": "application/json" },
    body: JSON.stringify({ prompt: "one two three four five six seven eight nine ten", websocket: true }),
    signal: leave.signal,
  }).catch((error: unknown) => error);
  await socket.waitFor(() => socket.messages.some((message) => message.event === "prompt_delta"));
  leave.abort();
  expect(await posted).toBeInstanceOf(Error);

  const ended = (message: Record<string, unknown>) =>
    message.event === "prompt_completed" || message.event === "prompt_failed";
  await socket.waitFor(() => socket.messages.some(ended));
  expect(socket.messages.find(ended)?.event).toBe("prompt_failed");
  const history = await fetch(`${server.url}/api/prompts`, {
    headers: { authorization: `Bearer ${user.access}` },
  });
  expect(((await history.json()) as { results: unknown[] }).results).toEqual([]);
  socket.close();
});
