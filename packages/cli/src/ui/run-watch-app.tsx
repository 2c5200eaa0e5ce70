import { render } from "ink";
import type { IO } from "../io.js";
import { WatchApp, type WatchAppProps } from "./watch-app.js";

/** Runs the watch app on the terminal until `q`, Ctrl-C or the end of the stream; rejects with the stream's error. */
export async function runWatchApp(
  stream: WatchAppProps["stream"],
  options: { io: IO; title: string; color: boolean; loadRecent: WatchAppProps["loadRecent"] },
): Promise<void> {
  const { io, title, color, loadRecent } = options;
  const app = render(<WatchApp stream={stream} loadRecent={loadRecent} title={title} color={color} />, {
    stdout: io.stdout as NodeJS.WriteStream,
    stdin: io.stdin as NodeJS.ReadStream,
    stderr: io.stderr as NodeJS.WriteStream,
    // Ctrl-C arrives as a key in raw mode: the app quits on it as on `q`, and the stream closes cleanly.
    exitOnCtrlC: false,
    patchConsole: false,
  });
  await app.waitUntilExit();
}
