import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Credentials } from "../../src/config/credentials.js";
import { configDir } from "../../src/config/paths.js";
import { normalizeServer, serverIdentity } from "../../src/config/server-url.js";
import { ExitCode } from "../../src/exit-codes.js";
import { temporaryConfigHome } from "../support/context.js";

const pair = (name: string) => ({ access: `${name}-access`, refresh: `${name}-refresh` });

describe("the credentials file", () => {
  it("lives in $XDG_CONFIG_HOME/prompt-service, else ~/.config/prompt-service", () => {
    expect(configDir({ XDG_CONFIG_HOME: "/x/config", HOME: "/home/a" })).toBe("/x/config/prompt-service");
    expect(configDir({ HOME: "/home/a" })).toBe("/home/a/.config/prompt-service");
  });

  it("keeps one session per server and the default server, readable by its owner only", async () => {
    const home = await temporaryConfigHome();
    const credentials = new Credentials({ XDG_CONFIG_HOME: home });
    await credentials.tokenStore("http://a.test").save(pair("a"));
    await credentials.tokenStore("http://b.test").save(pair("b"));
    await credentials.setDefaultServer("http://b.test");

    const again = new Credentials({ XDG_CONFIG_HOME: home });
    expect(await again.tokenStore("http://a.test").load?.()).toEqual(pair("a"));
    expect(await again.session("http://b.test")).toEqual(pair("b"));
    expect(await again.defaultServer()).toBe("http://b.test");
    expect((await stat(credentials.path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, "prompt-service"))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(credentials.path, "utf8"))).toEqual({
      servers: { "http://a.test": pair("a"), "http://b.test": pair("b") },
      default_server: "http://b.test",
    });
  });

  it("forgets a server's session when the client saves null (logout)", async () => {
    const credentials = new Credentials({ XDG_CONFIG_HOME: await temporaryConfigHome() });
    await credentials.tokenStore("http://a.test").save(pair("a"));
    await credentials.tokenStore("http://a.test").save(null);
    expect(await credentials.session("http://a.test")).toBeUndefined();
  });

  it("tightens a directory that was left open to others", async () => {
    const home = await temporaryConfigHome();
    await mkdir(join(home, "prompt-service"), { mode: 0o755 });
    await chmod(join(home, "prompt-service"), 0o755);
    await new Credentials({ XDG_CONFIG_HOME: home }).setDefaultServer("http://a.test");
    expect((await stat(join(home, "prompt-service"))).mode & 0o777).toBe(0o700);
  });

  it("keeps one session for localhost, 127.0.0.1 and [::1] on the same port and scheme", async () => {
    const credentials = new Credentials({ XDG_CONFIG_HOME: await temporaryConfigHome() });
    await credentials.tokenStore("http://127.0.0.1:8000").save(pair("local"));
    for (const alias of ["http://localhost:8000", "http://[::1]:8000", "http://127.0.0.1:8000"]) {
      expect(await credentials.session(alias)).toEqual(pair("local"));
    }
    for (const other of ["http://localhost:8001", "https://localhost:8000", "http://127.0.0.2:8000"]) {
      expect(await credentials.session(other)).toBeUndefined();
    }
    // A refresh saved through another name replaces the session rather than adding a second one.
    await credentials.tokenStore("http://[::1]:8000").save(pair("rotated"));
    expect(JSON.parse(await readFile(credentials.path, "utf8")).servers).toEqual({
      "http://localhost:8000": pair("rotated"),
    });
    await credentials.tokenStore("http://localhost:8000").save(null);
    expect(await credentials.session("http://127.0.0.1:8000")).toBeUndefined();
  });

  it("finds a session that an older version saved under 127.0.0.1", async () => {
    const credentials = new Credentials({ XDG_CONFIG_HOME: await temporaryConfigHome() });
    await credentials.setDefaultServer("http://127.0.0.1:8000");
    const file = JSON.parse(await readFile(credentials.path, "utf8"));
    file.servers["http://127.0.0.1:8000"] = pair("old");
    await writeFile(credentials.path, JSON.stringify(file));
    expect(await credentials.session("http://localhost:8000")).toEqual(pair("old"));
  });

  it("says which file to delete when it is damaged", async () => {
    const credentials = new Credentials({ XDG_CONFIG_HOME: await temporaryConfigHome() });
    await credentials.setDefaultServer("http://a.test");
    await writeFile(credentials.path, "{ not json");
    await expect(credentials.session("http://a.test")).rejects.toMatchObject({
      message: `${credentials.path} is damaged: delete it and log in again`,
      exitCode: ExitCode.error,
    });
  });
});

describe("server URLs", () => {
  it("share one login however they are written", () => {
    expect(normalizeServer("http://Example.test:8000/")).toBe("http://example.test:8000");
    expect(normalizeServer("https://example.test/prompt-api//?x=1")).toBe("https://example.test/prompt-api");
  });

  it("name one server on this machine whichever loopback name they use", () => {
    expect(serverIdentity("http://127.0.0.1:8000/")).toBe("http://localhost:8000");
    expect(serverIdentity("http://[::1]:8000")).toBe("http://localhost:8000");
    expect(serverIdentity("http://LOCALHOST:8000/prefix/")).toBe("http://localhost:8000/prefix");
    expect(serverIdentity("https://127.0.0.1")).toBe("https://localhost");
    expect(serverIdentity("http://localhost.example.test:8000")).toBe("http://localhost.example.test:8000");
  });

  it("must be http(s) URLs", () => {
    expect(() => normalizeServer("example.test")).toThrow(/must be an http:\/\/ or https:\/\/ URL/);
    expect(() => normalizeServer("ftp://example.test")).toThrow(/must be an http:\/\/ or https:\/\/ URL/);
  });
});
