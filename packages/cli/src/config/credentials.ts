import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { chmod, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { TokenPair, TokenStore } from "@prompt-service/sdk";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { configDir } from "./paths.js";
import { serverIdentity } from "./server-url.js";

interface CredentialsData {
  /** The server last logged in to: where commands go when neither --server nor $PROMPT_SERVER is given. */
  default_server?: string;
  /** The session on each server, by its identity (serverIdentity). */
  servers: Record<string, TokenPair>;
}

/** The keys of `data` that stand for `server`: files written before identities were used may hold aliases. */
const keysOf = (data: CredentialsData, server: string) =>
  Object.keys(data.servers).filter((key) => serverIdentity(key) === serverIdentity(server));

/**
 * The sessions of `prompt`, one per server, in `credentials.json` under the config directory. The file holds
 * tokens, so it is only ever readable by its owner (0600, in a 0700 directory), and it is replaced atomically so
 * that a process reading it while another saves a rotated session never sees half a file.
 */
export class Credentials {
  readonly path: string;

  constructor(env: Record<string, string | undefined>) {
    this.path = join(configDir(env), "credentials.json");
  }

  /** Read at once, as a command's context chooses its server (a file of a few lines). */
  defaultServer(): string | undefined {
    return this.read().default_server;
  }

  /** The session on `server`, or on the same server under another of its loopback names. */
  async session(server: string): Promise<TokenPair | undefined> {
    const data = this.read();
    const [key] = keysOf(data, server);
    return key === undefined ? undefined : data.servers[key];
  }

  /** Remembers `server` as the one later commands go to. */
  async setDefaultServer(server: string): Promise<void> {
    await this.update((data) => {
      data.default_server = server;
    });
  }

  /** The SDK's hook: it loads the session, and saves it after login, after each refresh (null after logout). */
  tokenStore(server: string): TokenStore {
    return {
      load: () => this.session(server),
      save: (tokens) =>
        this.update((data) => {
          for (const key of keysOf(data, server)) delete data.servers[key];
          if (tokens)
            data.servers[serverIdentity(server)] = { access: tokens.access, refresh: tokens.refresh };
        }),
    };
  }

  private read(): CredentialsData {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { servers: {} };
      throw error;
    }
    try {
      const data = JSON.parse(text) as Partial<CredentialsData>;
      return { ...data, servers: data.servers ?? {} };
    } catch (error) {
      throw new CliError(`${this.path} is damaged: delete it and log in again`, ExitCode.error, {
        cause: error,
      });
    }
  }

  private async update(change: (data: CredentialsData) => void): Promise<void> {
    const data = this.read();
    change(data);
    const directory = dirname(this.path);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing directory as it was: tighten it in case it was made by hand.
    await chmod(directory, 0o700);
    const temporary = `${this.path}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, this.path);
    } finally {
      await rm(temporary, { force: true });
    }
  }
}
