import { ConnectionError } from "@prompt-service/sdk";
import { render } from "ink-testing-library";
import { createElement as h } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { runWatchApp } from "../../src/ui/run-watch-app.js";
import { WatchApp } from "../../src/ui/watch-app.js";
import { FakeTerminalInput, fakeIO } from "../support/fake-io.js";
import { completed, delta, FakeStream, failed } from "../support/fake-stream.js";
import { waitFor } from "../support/wait-for.js";

const TITLE = "alice on http://prompt.test";
const apps: Array<{ unmount(): void }> = [];
afterEach(() => {
  for (const app of apps.splice(0)) app.unmount();
});

async function renderApp(now: () => number = Date.now) {
  const stream = new FakeStream();
  const app = render(h(WatchApp, { stream, title: TITLE, color: false, now }));
  apps.push(app);
  await waitFor(() => stream.subscribed);
  const frame = () => app.lastFrame() ?? "";
  /** Waits until the frame is `expected` (ink renders after React commits, not synchronously). */
  const frameBecomes = async (expected: string) => {
    await waitFor(
      () => frame() === expected,
      2_000,
      () => `the frame\n${expected}\nbut it is\n${frame()}`,
    );
  };
  return { stream, app, frame, frameBecomes };
}

describe("the watch app", () => {
  it("shows the connection, then an answer streaming into the newest entry, then the finished prompt", async () => {
    const { stream, frameBecomes } = await renderApp();
    await frameBecomes(`○ connecting… · ${TITLE} · q to quit · ? for help`);

    stream.emit("open");
    await frameBecomes(`● connected · ${TITLE} · q to quit · ? for help`);

    stream.push(delta(12, 0, "[mocked-llm_response] "));
    stream.push(delta(12, 1, "hola "));
    await frameBecomes(
      ["… #12", "  [mocked-llm_response] hola", `● connected · ${TITLE} · q to quit · ? for help`].join("\n"),
    );

    stream.push(delta(12, 2, "mundo"));
    stream.push(completed(12, "hola mundo", "[mocked-llm_response] hola mundo"));
    await frameBecomes(
      [
        "✓ #12 hola mundo",
        "  [mocked-llm_response] hola mundo",
        `● connected · ${TITLE} · q to quit · ? for help`,
      ].join("\n"),
    );
  });

  it("keeps past events above the answers being written, newest at the bottom, and shows failures", async () => {
    const { stream, frameBecomes } = await renderApp();
    stream.emit("open");
    stream.push(completed(1, "first", "answer one"));
    stream.push(delta(2, 0, "second "));
    stream.push(delta(3, 0, "third "));
    stream.push(failed(2, "llm_timeout", "The language model provider did not answer in time."));
    await frameBecomes(
      [
        "✓ #1 first",
        "  answer one",
        "✗ #2 llm_timeout: The language model provider did not answer in time.",
        "  second",
        "… #3",
        "  third",
        `● connected · ${TITLE} · q to quit · ? for help`,
      ].join("\n"),
    );
  });

  it("counts down to the next reconnection, and shows the connection back", async () => {
    let now = 1_000_000;
    const { stream, frameBecomes } = await renderApp(() => now);
    stream.emit("open");
    stream.emit("reconnecting", { attempt: 1, delayMs: 3_000, code: 1006, reason: "connection lost" });
    await frameBecomes(`○ reconnecting in 3s (1006 connection lost) · ${TITLE} · q to quit · ? for help`);
    now += 1_000;
    await frameBecomes(`○ reconnecting in 2s (1006 connection lost) · ${TITLE} · q to quit · ? for help`);
    stream.emit("open");
    await frameBecomes(`● connected · ${TITLE} · q to quit · ? for help`);
  });

  it("quits on q and on Ctrl-C, on a terminal", async () => {
    for (const key of ["q", "\u0003"]) {
      const terminal = new FakeTerminalInput();
      const { io, stdout } = fakeIO({ tty: true, stdin: terminal });
      const stream = new FakeStream();
      const running = runWatchApp(stream, { io, title: TITLE, color: false });
      await waitFor(() => stream.subscribed && stdout().includes("q to quit · ? for help"));
      terminal.write(key);
      await expect(running).resolves.toBeUndefined();
      expect(terminal.rawModes).toEqual([true, false]);
    }
  });

  it("ends with the stream's error when the stream fails", async () => {
    const { io } = fakeIO({ tty: true, stdin: new FakeTerminalInput() });
    const stream = new FakeStream();
    const running = runWatchApp(stream, { io, title: TITLE, color: false });
    await waitFor(() => stream.subscribed);
    const error = new ConnectionError("The server ended the event stream: 1008 policy violation");
    stream.emit("close", error);
    await expect(running).rejects.toBe(error);
  });
});

describe("the watch app's help", () => {
  it("shows the keys on ? and hides them on ? again", async () => {
    const terminal = new FakeTerminalInput();
    const { io, stdout } = fakeIO({ tty: true, stdin: terminal });
    const stream = new FakeStream();
    const running = runWatchApp(stream, { io, title: TITLE, color: false });
    await waitFor(() => stream.subscribed && stdout().includes("? for help"));
    terminal.write("?");
    await waitFor(() => stdout().includes("show or hide these keys"));
    expect(stdout()).toContain("q, Ctrl-C  quit");
    const shownAt = stdout().length;
    terminal.write("?");
    // Redrawn without the help box: the last frame ends with the status line alone.
    await waitFor(() => stdout().length > shownAt && !stdout().slice(shownAt).includes("show or hide"));
    terminal.write("q");
    await expect(running).resolves.toBeUndefined();
  });
});
