import type { Prompt } from "@prompt-service/sdk";
import { render } from "ink-testing-library";
import { WatchApp } from "../../src/ui/watch-app.js";
import { FakeStream } from "./fake-stream.js";
import { waitFor } from "./wait-for.js";

/** The escape sequences a terminal sends for the keys the watch app knows by name. */
export const KEYS = {
  up: "\u001b[A",
  down: "\u001b[B",
  pageUp: "\u001b[5~",
  pageDown: "\u001b[6~",
  home: "\u001b[H",
  end: "\u001b[F",
};

export interface WatchAppOptions {
  title: string;
  /** The terminal's height. */
  rows: number;
  now?: () => number;
  /**
   * What GET /api/prompts answers each time the stream connects. By default it never answers: the tests of live
   * events see the feed before the list is in.
   */
  loadRecent?: () => Promise<Prompt[]>;
}

const neverAnswered = () => new Promise<Prompt[]>(() => undefined);

/**
 * The watch app on a fake terminal of `rows` lines, fed by a FakeStream: `screen()` is what the terminal shows,
 * `type` presses keys.
 */
export async function renderWatchApp({ title, rows, now, loadRecent = neverAnswered }: WatchAppOptions) {
  const stream = new FakeStream();
  const app = render(
    <WatchApp stream={stream} loadRecent={loadRecent} title={title} color={false} now={now} />,
  );
  const resize = (height: number) => {
    Object.assign(app.stdout, { rows: height });
    app.stdout.emit("resize");
  };
  resize(rows);
  await waitFor(() => stream.subscribed);
  const screen = () => app.lastFrame() ?? "";
  /** Waits until the screen shows exactly `lines` (ink draws after React commits, not synchronously). */
  const screenShows = async (lines: string[]) => {
    const expected = lines.join("\n");
    await waitFor(
      () => screen() === expected,
      2_000,
      () => `the screen\n${expected}\nbut it is\n${screen()}`,
    );
  };
  const type = (...keys: string[]) => {
    for (const key of keys) app.stdin.write(key);
  };
  return { stream, screen, screenShows, type, resize, unmount: app.unmount };
}
