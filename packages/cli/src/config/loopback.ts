/** The names of this machine's loopback interface: one server however it is written. */
export const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Whether the server runs on this machine, where `npm start` is the way to start it. */
export function isLoopback(server: string): boolean {
  return URL.canParse(server) && LOOPBACK_HOSTS.has(new URL(server).hostname);
}
