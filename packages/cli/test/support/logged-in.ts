import { registerUser, type TestServer } from "@prompt-service/testkit";
import { temporaryConfigHome } from "./context.js";
import { runCli } from "./run-cli.js";

/** A new user of `server`, logged in with `prompt login` in a config home of its own; `env` runs commands as them. */
export async function loggedInUser(server: TestServer) {
  const user = await registerUser(server.app);
  const env = { XDG_CONFIG_HOME: await temporaryConfigHome() };
  const login = await runCli(
    ["--server", server.url, "login", "--username", user.username, "--password-stdin"],
    { env, stdin: `${user.password}\n` },
  );
  if (login.status !== 0) throw new Error(`prompt login failed: ${login.stderr}`);
  /** Runs `prompt --server <server> …args` as this user. */
  const prompt = (args: string[], options: { env?: Record<string, string>; stdin?: string } = {}) =>
    runCli(["--server", server.url, ...args], {
      env: { ...env, ...options.env },
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    });
  return { user, env, prompt };
}
