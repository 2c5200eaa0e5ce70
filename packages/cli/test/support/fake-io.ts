import { PassThrough, Readable, Writable } from "node:stream";
import type { IO } from "@prompt-service/cli";

/** A stream that keeps what is written to it, looking like a terminal or not. */
class Capture extends Writable {
  text = "";

  constructor(
    readonly isTTY: boolean,
    readonly columns: number,
  ) {
    super();
  }

  override _write(chunk: Buffer | string, _encoding: string, done: () => void): void {
    this.text += String(chunk);
    done();
  }
}

/** Standard input that is a terminal: the test types into it. */
export class FakeTerminalInput extends PassThrough {
  readonly isTTY = true;
  readonly rawModes: boolean[] = [];

  setRawMode(mode: boolean): this {
    this.rawModes.push(mode);
    return this;
  }

  // What ink calls on a terminal's input while it listens to keys.
  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}

export interface FakeIOOptions {
  /** stdout and stderr are a terminal. */
  tty?: boolean;
  /** Text piped into the command, or a terminal to type into. */
  stdin?: string | FakeTerminalInput;
  env?: Record<string, string>;
  columns?: number;
}

/** IO for a command under test, as `gh`'s `iostreams.Test()`: what it printed is read back whole. */
export function fakeIO(options: FakeIOOptions = {}) {
  const { tty = false, columns = 80, env = {} } = options;
  const stdout = new Capture(tty, columns);
  const stderr = new Capture(tty, columns);
  const stdin =
    options.stdin instanceof FakeTerminalInput ? options.stdin : Readable.from([options.stdin ?? ""]);
  const interruption = new AbortController();
  const io: IO = { stdin, stdout, stderr, env, interrupted: () => interruption.signal };
  return {
    io,
    stdout: () => stdout.text,
    stderr: () => stderr.text,
    /** As Ctrl-C or SIGTERM would. */
    interrupt: () => interruption.abort(),
  };
}
