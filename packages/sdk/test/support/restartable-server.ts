import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStorage } from "@prompt-service/server";
import { type StartServerOptions, startServer, type TestServer } from "@prompt-service/testkit";

/**
 * A real server that can be stopped and started again on the same port with the same storage (and the testkit's
 * fixed JWT secret, so tokens stay valid), as a deployment restarts.
 */
export async function startRestartableServer(options: StartServerOptions = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), "prompt-sdk-restart-"));
  const storage = await openStorage({ dataDir });
  let current: TestServer = await startServer({ ...options, storage, dataDir });
  const url = current.url;
  const port = Number(new URL(url).port);
  return {
    url,
    storage,
    get app() {
      return current.app;
    },
    /** Closes the server (its sockets get 1001) and, after `downMs`, starts a new one on the same port. */
    async restart(downMs = 300): Promise<void> {
      await current.close();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      current = await startServer({ ...options, storage, dataDir, listen: false });
      await current.app.listen({ port, host: "127.0.0.1" });
    },
    async close(): Promise<void> {
      await current.close();
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
