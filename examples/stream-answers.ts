/**
 * The live event stream without the SDK: the WebSocket protocol as a client in any language speaks it. Log in over
 * HTTP, open the socket with the access token, ask with `websocket: true`, and print the answer as it streams in.
 *
 *   npm start                                              # a server on http://127.0.0.1:8000
 *   npx tsx examples/stream-answers.ts "tell me a story"   # PROMPT_SERVER=<url> for another one
 */
import { randomUUID } from "node:crypto";
import WebSocket from "ws";

const server = (process.env.PROMPT_SERVER || "http://127.0.0.1:8000").replace(/\/+$/, "");
const question = process.argv[2] ?? "how do websockets stream an answer?";

/** POSTs JSON; errors carry the API's `{detail, code}` body. */
async function post<T>(path: string, body: unknown, access?: string): Promise<T> {
  const response = await fetch(`${server}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(access ? { authorization: `Bearer ${access}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as T & { code?: string; detail?: string };
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${json.code}: ${json.detail}`);
  return json;
}

const username = `streamer_${randomUUID().slice(0, 8)}`;
const password = "correct horse battery staple";
await post("/api/auth/register/", { username, email: `${username}@example.com`, password });
const { access } = await post<{ access: string }>("/api/auth/login/", { username, password });

// The token goes in the Authorization header. Clients that cannot set headers send it as `?token=<access>` (the
// original service's way; the server keeps it out of its logs) or, in browsers, as the subprotocol pair
// `new WebSocket(url, ["bearer", access])`.
const socketUrl = `${server.replace(/^http/, "ws")}/ws/prompts/`;
const socket = new WebSocket(socketUrl, { headers: { authorization: `Bearer ${access}` } });
socket.on("unexpected-response", (_request, response) => {
  // A refused upgrade is a plain HTTP answer: 401 for a missing, expired or invalid token.
  console.error(`upgrade refused: HTTP ${response.statusCode}`);
  process.exit(1);
});
await new Promise<void>((resolve, reject) => {
  socket.once("open", resolve);
  socket.once("error", reject);
});
console.log(`connected to ${socketUrl}`);

type ServerMessage =
  | {
      type: "prompt.start";
      event: "prompt_started";
      data: { id: number; prompt: string; started_at: string };
    }
  | { type: "prompt.delta"; event: "prompt_delta"; data: { id: number; index: number; delta: string } }
  | {
      type: "prompt.message";
      event: "prompt_completed";
      data: { id: number; prompt: string; response: string; created_at: string };
    }
  | { type: "prompt.error"; event: "prompt_failed"; data: { id: number; code: string; detail: string } }
  | { type: "prompt.message"; event: "prompt_deleted"; data: { id: number } }
  | { type: "pong" }
  | { type: "error"; code: string; detail: string };

// Everything the server sends is one JSON object per text message.
const pieces: string[] = [];
let followed: number | undefined;
let ponged: () => void = () => {};
const pong = new Promise<void>((resolve) => {
  ponged = resolve;
});
const done = new Promise<{ id: number; response: string }>((resolve, reject) => {
  socket.on("message", (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    if (message.type === "pong") {
      console.log("pong");
      ponged();
      return;
    }
    if (message.type === "error") return reject(new Error(`${message.code}: ${message.detail}`));
    // Events carry the prompt's id from its start on: follow the first one, this user's only prompt in flight.
    followed ??= message.data.id;
    if (message.data.id !== followed) return;
    if (message.type === "prompt.start") {
      console.log(`> ${message.data.prompt}`);
    } else if (message.type === "prompt.delta") {
      pieces[message.data.index] = message.data.delta; // indexed, so that order never depends on delivery
      process.stdout.write(message.data.delta);
    } else if (message.event === "prompt_completed") {
      // `prompt.message` also carries `prompt_deleted`: the event name, not the type, says which.
      resolve(message.data);
    } else if (message.type === "prompt.error") {
      reject(new Error(`the answer failed: ${message.data.code}: ${message.data.detail}`));
    }
    // Anything else is an event this client does not know yet: the protocol may add some.
  });
  socket.on("close", (code, reason) => reject(new Error(`socket closed: ${code} ${reason.toString()}`)));
});

// Besides the protocol-level pings the server sends, an application-level ping any client can send.
socket.send(JSON.stringify({ type: "ping" }));
await pong;

// The HTTP answer arrives once the prompt is stored, just before its `prompt_completed` event.
const created = await post<{ id: number; response: string }>(
  "/api/prompts",
  { prompt: question, websocket: true },
  access,
);
const completed = await done;
process.stdout.write("\n");
console.log(`answer #${completed.id} streamed in ${pieces.length} pieces`);
console.log(
  pieces.join("") === completed.response && created.response === completed.response
    ? "the pieces add up to the stored answer"
    : "the pieces DIFFER from the stored answer",
);
socket.close(1000, "done");
