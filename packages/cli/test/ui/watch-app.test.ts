import { ConnectionError } from "@prompt-service/sdk";
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { runWatchApp } from "../../src/ui/run-watch-app.js";
import { FakeTerminalInput, fakeIO } from "../support/fake-io.js";
import {
  completed,
  deleted,
  delta,
  FakeStream,
  failed,
  started,
  storedPrompt,
} from "../support/fake-stream.js";
import { waitFor } from "../support/wait-for.js";
import { KEYS, renderWatchApp } from "../support/watch-app.js";

// Times show in the local time zone: the tests' one is fixed, an hour ahead of UTC in March.
process.env.TZ = "Europe/Madrid";

const TITLE = "alice on http://prompt.test";
const STATUS = `● connected · ${TITLE} · q to quit · ? for help`;
/** When the events arrive: two seconds before the fake prompts are stored (10:00:00 UTC). */
const now = () => Date.parse("2025-03-01T09:59:58Z");
const blank = (lines: number) => Array<string>(lines).fill("");
/** A finished prompt as the feed shows it, when the watch saw only its end. */
const finished = (id: number) => [`✓ #${id} prompt ${id}`, "  answered 11:00:00", `  answer ${id}`];

afterEach(cleanup);

async function connectedApp(rows: number) {
  const app = await renderWatchApp({ title: TITLE, rows, now });
  app.stream.emit("open");
  return app;
}

describe("the watch app", () => {
  it("shows the connection, then a prompt and its answer as it is written, with their local times", async () => {
    const { stream, screenShows } = await renderWatchApp({ title: TITLE, rows: 7, now });
    await screenShows([...blank(5), `○ connecting… · ${TITLE} · q to quit · ? for help`]);

    stream.emit("open");
    await screenShows([...blank(5), STATUS]);

    stream.push(started(12, "hola mundo"));
    await screenShows([...blank(3), "… #12 hola mundo", "  asked 10:59:57 · writing…", STATUS]);

    stream.push(delta(12, 0, "[mocked-llm_response] "));
    stream.push(delta(12, 1, "hola "));
    await screenShows([
      ...blank(2),
      "… #12 hola mundo",
      "  asked 10:59:57 · writing…",
      "  [mocked-llm_response] hola",
      STATUS,
    ]);

    stream.push(delta(12, 2, "mundo"));
    stream.push(completed(12, "hola mundo", "[mocked-llm_response] hola mundo"));
    await screenShows([
      ...blank(2),
      "✓ #12 hola mundo",
      "  asked 10:59:57 · answered 11:00:00",
      "  [mocked-llm_response] hola mundo",
      STATUS,
    ]);
  });

  it("keeps prompts in the order they began, answers being written among them, and shows failures", async () => {
    const { stream, screenShows } = await connectedApp(12);
    stream.push(completed(1, "first", "answer one"));
    stream.push(started(2, "second prompt"));
    stream.push(delta(2, 0, "second "));
    stream.push(started(3, "third prompt"));
    stream.push(delta(3, 0, "third "));
    stream.push(failed(2, "llm_timeout", "The language model provider did not answer in time."));
    await screenShows([
      "",
      "✓ #1 first",
      "  answered 11:00:00",
      "  answer one",
      "✗ #2 llm_timeout: The language model provider did not answer in time.",
      "  asked 10:59:57 · failed 10:59:58",
      "  second",
      "… #3 third prompt",
      "  asked 10:59:57 · writing…",
      "  third",
      STATUS,
    ]);
  });

  it("dates the times of another day", async () => {
    const { stream, screenShows } = await connectedApp(5);
    stream.push(completed(1, "late", "answer", "2025-02-28T22:30:00.000Z"));
    await screenShows(["✓ #1 late", "  answered 2025-02-28 23:30:00", "  answer", STATUS]);
  });

  it("counts down to the next reconnection, and shows the connection back", async () => {
    let clock = 1_000_000;
    const { stream, screenShows } = await renderWatchApp({ title: TITLE, rows: 2, now: () => clock });
    stream.emit("open");
    stream.emit("reconnecting", { attempt: 1, delayMs: 3_000, code: 1006, reason: "connection lost" });
    await screenShows([`○ reconnecting in 3s (1006 connection lost) · ${TITLE} · q to quit · ? for help`]);
    clock += 1_000;
    await screenShows([`○ reconnecting in 2s (1006 connection lost) · ${TITLE} · q to quit · ? for help`]);
    stream.emit("open");
    await screenShows([STATUS]);
  });

  it("fills the terminal, following its height", async () => {
    const { stream, screenShows, resize } = await connectedApp(5);
    for (const id of [1, 2]) stream.push(completed(id, `prompt ${id}`, `answer ${id}`));
    await screenShows([...finished(2), STATUS]);
    resize(8);
    await screenShows([...finished(1), ...finished(2), STATUS]);
  });
});

describe("the watch app's feed of the user's prompts", () => {
  /** What GET /api/prompts answers at each connection, newest first, as the API lists them. */
  const answers = (...lists: Array<ReturnType<typeof storedPrompt>[] | Error>) => {
    let calls = 0;
    return async () => {
      const answer = lists[Math.min(calls++, lists.length - 1)] ?? [];
      if (answer instanceof Error) throw answer;
      return answer;
    };
  };

  it("opens with the latest prompts, oldest at the top, and adds new ones under them once", async () => {
    const loadRecent = answers([storedPrompt(3), storedPrompt(2), storedPrompt(1)]);
    const { stream, screenShows } = await renderWatchApp({ title: TITLE, rows: 11, now, loadRecent });
    stream.emit("open");
    await screenShows([...finished(1), ...finished(2), ...finished(3), STATUS]);

    stream.push(started(4, "prompt 4"));
    stream.push(completed(4, "prompt 4", "answer 4"));
    await screenShows([
      ...finished(2),
      ...finished(3),
      "✓ #4 prompt 4",
      "  asked 10:59:57 · answered 11:00:00",
      "  answer 4",
      STATUS,
    ]);
  });

  it("says what will appear there while the user has no prompt", async () => {
    const { stream, screenShows } = await renderWatchApp({
      title: TITLE,
      rows: 5,
      now,
      loadRecent: answers([]),
    });
    stream.emit("open");
    await screenShows([
      "",
      'No prompts yet. Yours appear here as they are asked and answered: try `prompt submit "hola"` in',
      "another terminal.",
      STATUS,
    ]);
    stream.push(completed(1, "prompt 1", "answer 1"));
    await screenShows([...finished(1), STATUS]);
  });

  it("says so when the latest prompts cannot be loaded, and still shows new ones", async () => {
    const loadRecent = answers(new Error("500 internal_error: A server error occurred."));
    const { stream, screenShows } = await renderWatchApp({ title: TITLE, rows: 5, now, loadRecent });
    stream.emit("open");
    await screenShows([
      "",
      "Your earlier prompts could not be loaded (500 internal_error: A server error occurred.); new ones",
      "appear here as they are answered.",
      STATUS,
    ]);
  });

  it("removes a prompt when the server says it was deleted", async () => {
    const loadRecent = answers([storedPrompt(3), storedPrompt(2), storedPrompt(1)]);
    const { stream, screenShows } = await renderWatchApp({ title: TITLE, rows: 11, now, loadRecent });
    stream.emit("open");
    await screenShows([...finished(1), ...finished(2), ...finished(3), STATUS]);
    stream.push(deleted(2));
    await screenShows([...blank(3), ...finished(1), ...finished(3), STATUS]);
  });

  it("catches up after a reconnection on the prompts whose events it missed", async () => {
    const loadRecent = answers([storedPrompt(1)], [storedPrompt(3), storedPrompt(2), storedPrompt(1)]);
    const { stream, screenShows } = await renderWatchApp({ title: TITLE, rows: 11, now, loadRecent });
    stream.emit("open");
    stream.push(started(2, "prompt 2"));
    stream.push(delta(2, 0, "ans"));
    await screenShows([
      ...blank(3),
      ...finished(1),
      "… #2 prompt 2",
      "  asked 10:59:57 · writing…",
      "  ans",
      STATUS,
    ]);
    stream.emit("reconnecting", { attempt: 1, delayMs: 0, code: 1006, reason: "connection lost" });
    stream.emit("open");
    await screenShows([
      ...finished(1),
      "✓ #2 prompt 2",
      "  asked 10:59:57 · answered 11:00:00",
      "  answer 2",
      ...finished(3),
      STATUS,
    ]);
  });
});

describe("scrolling the watch app's feed", () => {
  /** A terminal of 9 lines: 7 of them for the feed, 6 when scrolled up, above the status line. */
  async function fiveFinishedPrompts() {
    const app = await connectedApp(9);
    for (const id of [1, 2, 3, 4, 5]) app.stream.push(completed(id, `prompt ${id}`, `answer ${id}`));
    await app.screenShows(["  answer 3", ...finished(4), ...finished(5), STATUS]);
    return app;
  }
  const MORE_BELOW = "↓ more below · End to follow";

  it("moves a line with ↑ ↓ (or k j), and follows the newest again at the bottom", async () => {
    const { type, screenShows } = await fiveFinishedPrompts();
    type(KEYS.up);
    await screenShows([...finished(3).slice(1), ...finished(4), "✓ #5 prompt 5", MORE_BELOW, STATUS]);
    type("k");
    await screenShows([...finished(3), ...finished(4), MORE_BELOW, STATUS]);
    type(KEYS.down, "j");
    await screenShows([
      "  answer 3",
      ...finished(4),
      "✓ #5 prompt 5",
      "  answered 11:00:00",
      MORE_BELOW,
      STATUS,
    ]);
    type(KEYS.down);
    await screenShows(["  answer 3", ...finished(4), ...finished(5), STATUS]);
  });

  it("moves a page with PgUp PgDn, keeping a line of the previous page in view", async () => {
    const { type, screenShows } = await fiveFinishedPrompts();
    type(KEYS.pageUp);
    await screenShows([...finished(2), ...finished(3), MORE_BELOW, STATUS]);
    type(KEYS.pageDown);
    await screenShows([
      "  answer 3",
      ...finished(4),
      "✓ #5 prompt 5",
      "  answered 11:00:00",
      MORE_BELOW,
      STATUS,
    ]);
    type(KEYS.pageDown);
    await screenShows(["  answer 3", ...finished(4), ...finished(5), STATUS]);
  });

  it("goes to the oldest prompt with Home (or g) and to the newest with End (or G)", async () => {
    const { type, screenShows } = await fiveFinishedPrompts();
    type(KEYS.home);
    await screenShows([...finished(1), ...finished(2), MORE_BELOW, STATUS]);
    type(KEYS.end);
    await screenShows(["  answer 3", ...finished(4), ...finished(5), STATUS]);
    type("g");
    await screenShows([...finished(1), ...finished(2), MORE_BELOW, STATUS]);
    type("G");
    await screenShows(["  answer 3", ...finished(4), ...finished(5), STATUS]);
  });

  it("holds a scrolled-up view still while prompts arrive and answers grow, and counts the new prompts", async () => {
    const { stream, type, screenShows } = await connectedApp(9);
    stream.push(delta(1, 0, "one"));
    for (const id of [2, 3, 4]) stream.push(completed(id, `prompt ${id}`, `answer ${id}`));
    await screenShows(
      ["  one", ...finished(2), ...finished(3).slice(0, 3), ...finished(4), STATUS].slice(-8),
    );

    type(KEYS.home, "j", "j", "j");
    const held = [...finished(2), ...finished(3)];
    await screenShows([...held, MORE_BELOW, STATUS]);

    // An answer above the view gets longer, one below it too, and new prompts arrive under it.
    stream.push(delta(1, 1, " and more\nand more"));
    stream.push(started(5, "prompt 5"));
    stream.push(delta(5, 0, "five"));
    stream.push(completed(6, "prompt 6", "answer 6"));
    await screenShows([...held, "↓ 2 new prompts below · End to follow", STATUS]);

    type(KEYS.end);
    await screenShows([
      "  answer 4",
      "… #5 prompt 5",
      "  asked 10:59:57 · writing…",
      "  five",
      ...finished(6),
      STATUS,
    ]);
  });
});

describe("the watch app's help", () => {
  it("lists the keys on ? and hides them on ? again", async () => {
    const { type, screen, screenShows } = await connectedApp(24);
    type("?");
    await waitFor(() => screen().includes("show or hide these keys"));
    for (const line of [
      "↑ k        scroll up a line",
      "PgDn space scroll down a page",
      "End G      go to the newest prompt and follow new ones",
      "q Ctrl-C   quit",
    ]) {
      expect(screen()).toContain(line);
    }
    type("?");
    await screenShows([...blank(22), STATUS]);
  });
});

describe("the watch app on a terminal", () => {
  it("quits on q and on Ctrl-C", async () => {
    for (const key of ["q", "\u0003"]) {
      const terminal = new FakeTerminalInput();
      const { io, stdout } = fakeIO({ tty: true, stdin: terminal });
      const stream = new FakeStream();
      const running = runWatchApp(stream, { io, title: TITLE, color: false, loadRecent: async () => [] });
      await waitFor(() => stream.subscribed && stdout().includes("q to quit · ? for help"));
      terminal.write(key);
      await expect(running).resolves.toBeUndefined();
      expect(terminal.rawModes).toEqual([true, false]);
    }
  });

  it("ends with the stream's error when the stream fails", async () => {
    const { io } = fakeIO({ tty: true, stdin: new FakeTerminalInput() });
    const stream = new FakeStream();
    const running = runWatchApp(stream, { io, title: TITLE, color: false, loadRecent: async () => [] });
    await waitFor(() => stream.subscribed);
    const error = new ConnectionError("The server ended the event stream: 1008 policy violation");
    stream.emit("close", error);
    await expect(running).rejects.toBe(error);
  });
});
