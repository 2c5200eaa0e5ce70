import { PromptClient } from "@prompt-service/sdk";
import type { Command } from "commander";
import { Credentials } from "./config/credentials.js";
import { DEFAULT_SERVER, normalizeServer } from "./config/server-url.js";
import type { IO } from "./io.js";
import { Output } from "./output/output.js";
import { colorWanted } from "./output/style.js";

/** Everything a command's run function gets besides its own options (as `gh`'s Factory). */
export interface CommandContext {
  io: IO;
  out: Output;
  /** The server this command talks to, normalized. */
  server: string;
  /**
   * A client of `server` with $PROMPT_API_KEY, else $PROMPT_TOKEN, else the stored session (saving rotated tokens
   * back).
   */
  client: PromptClient;
  /** The same without $PROMPT_API_KEY: for what only a session may do (manage keys, delete the account). */
  sessionClient: PromptClient;
  credentials: Credentials;
  now(): Date;
}

/** The options every command takes. */
export interface GlobalOptions {
  server?: string;
  json?: boolean;
  quiet?: boolean;
  /** False with --no-color. */
  color: boolean;
  debug?: boolean;
}

/**
 * The longest `Retry-After` a command waits out, in seconds. A person at a terminal is told how long to wait (exit
 * 4) rather than kept waiting in silence; a wait this short is served without a word.
 */
const MAX_RETRY_AFTER_SECONDS = 1;

/** The value of `make()`, made at the first call only. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/**
 * The context of one command, lazy as `gh`'s Factory: the server is chosen and the clients made only when a command
 * asks for them, so that a command that talks to no server (`prompt serve`) reads no credentials.
 */
export function createContext(io: IO, globals: GlobalOptions): CommandContext {
  const credentials = new Credentials(io.env);
  const given = globals.server ?? (io.env.PROMPT_SERVER?.trim() || undefined);
  // A bad --server or $PROMPT_SERVER is refused at once, before a command asks anything.
  const givenServer = given === undefined ? undefined : normalizeServer(given);
  /** --server, then $PROMPT_SERVER, then the server last logged in to, then `npm start`'s address. */
  const server = once(() => givenServer ?? normalizeServer(credentials.defaultServer() ?? DEFAULT_SERVER));
  const clientOf = (apiKey: string | null) =>
    once(
      () =>
        new PromptClient({
          baseUrl: server(),
          // A key or token in the environment wins over the stored session, as GH_TOKEN does in `gh`. Read from
          // `io` (null: none), never from the SDK's own look at process.env.
          apiKey,
          accessToken: io.env.PROMPT_TOKEN?.trim() || undefined,
          tokenStore: credentials.tokenStore(server()),
          maxRetryAfter: MAX_RETRY_AFTER_SECONDS,
        }),
    );
  const client = clientOf(io.env.PROMPT_API_KEY?.trim() || null);
  const sessionClient = clientOf(null);
  const out = new Output(io, {
    json: globals.json === true,
    quiet: globals.quiet === true,
    color: colorWanted(io.stdout.isTTY === true, globals.color, io.env),
  });
  return {
    io,
    out,
    credentials,
    now: () => new Date(),
    get server() {
      return server();
    },
    get client() {
      return client();
    },
    get sessionClient() {
      return sessionClient();
    },
  };
}

/** Runs a command's body with the context that its global options describe; program.ts provides it. */
export type Invoke = (command: Command, body: (context: CommandContext) => Promise<void>) => Promise<void>;
