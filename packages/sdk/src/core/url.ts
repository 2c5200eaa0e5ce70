export type Query = Record<string, string | number | undefined>;

/** `path` under `baseUrl`, which may carry a prefix the server is mounted under (`https://host/prompt-api`). */
export function apiUrl(baseUrl: string, path: string, query: Query = {}): URL {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}${path}`);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url;
}

/** The WebSocket URL of `path`: ws:// for http://, wss:// for https://. */
export function socketUrl(baseUrl: string, path: string): string {
  const url = apiUrl(baseUrl, path);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}
