import { randomUUID } from "node:crypto";
import { type ClientOptions, PromptClient, type TokenPair, type TokenStore } from "@prompt-service/sdk";
import { registerUser, type TestServer } from "@prompt-service/testkit";

/** A token store in memory that records every save, as the CLI's file would hold them. */
export function memoryStore(initial: TokenPair | null = null) {
  const saves: Array<TokenPair | null> = [];
  let current = initial;
  const store: TokenStore = {
    load: () => current,
    save: (tokens) => {
      current = tokens;
      saves.push(tokens);
    },
  };
  return { store, saves, current: () => current };
}

export const uniqueName = () => `u${randomUUID().slice(0, 12)}`;

/** A new user of `server`, registered and logged in through the API, and a client holding its tokens. */
export async function loggedInClient(server: TestServer, options: ClientOptions = {}) {
  const user = await registerUser(server.app);
  const client = new PromptClient({
    baseUrl: server.url,
    accessToken: user.access,
    refreshToken: user.refresh,
    ...options,
  });
  return { user, client };
}

/** A new user of `server` (logged in through `session`), and a client that holds only a new API key of theirs. */
export async function keyClient(server: TestServer, options: ClientOptions = {}) {
  const { user, client: session } = await loggedInClient(server);
  const created = await session.keys.create({ name: "test" });
  const client = new PromptClient({ baseUrl: server.url, apiKey: created.key, ...options });
  return { user, session, key: created, client };
}

/** Every prompt of the client's user, newest first, through the API (as a user would count them). */
export async function allPrompts(client: PromptClient) {
  const prompts = [];
  for await (const prompt of client.prompts.list({ limit: 100 })) prompts.push(prompt);
  return prompts;
}
