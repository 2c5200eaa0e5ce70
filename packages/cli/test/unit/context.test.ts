import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Credentials } from "../../src/config/credentials.js";
import { DEFAULT_SERVER } from "../../src/config/server-url.js";
import { createContext } from "../../src/context.js";
import { temporaryConfigHome } from "../support/context.js";
import { fakeIO } from "../support/fake-io.js";

async function serverChosen(argvServer: string | undefined, env: Record<string, string>, stored?: string) {
  const home = await temporaryConfigHome();
  if (stored) await new Credentials({ XDG_CONFIG_HOME: home }).setDefaultServer(stored);
  const { io } = fakeIO({ env: { XDG_CONFIG_HOME: home, ...env } });
  return (await createContext(io, { server: argvServer, color: true })).server;
}

describe("the server a command goes to", () => {
  it("is --server, then $PROMPT_SERVER, then the one last logged in to, then npm start's", async () => {
    const stored = "http://stored.test";
    expect(await serverChosen("http://flag.test/", { PROMPT_SERVER: "http://env.test" }, stored)).toBe(
      "http://flag.test",
    );
    expect(await serverChosen(undefined, { PROMPT_SERVER: "http://env.test" }, stored)).toBe(
      "http://env.test",
    );
    expect(await serverChosen(undefined, {}, stored)).toBe(stored);
    expect(await serverChosen(undefined, {})).toBe("http://localhost:8000");
  });

  it("by default is the server of the README's curl examples", () => {
    const readme = readFileSync(new URL("../../../../README.md", import.meta.url), "utf8");
    const servers = new Set([...readme.matchAll(/^curl .*?(https?:\/\/[^/\s]+)/gm)].map((match) => match[1]));
    expect([...servers]).toEqual([DEFAULT_SERVER]);
  });
});

describe("colour", () => {
  it("is on only on a terminal, without --no-color and without NO_COLOR", async () => {
    const colorOf = async (tty: boolean, flag: boolean, env: Record<string, string> = {}) => {
      const { io } = fakeIO({ tty, env: { XDG_CONFIG_HOME: await temporaryConfigHome(), ...env } });
      return (await createContext(io, { color: flag })).out.color;
    };
    expect(await colorOf(true, true)).toBe(true);
    expect(await colorOf(false, true)).toBe(false);
    expect(await colorOf(true, false)).toBe(false);
    expect(await colorOf(true, true, { NO_COLOR: "1" })).toBe(false);
  });
});
