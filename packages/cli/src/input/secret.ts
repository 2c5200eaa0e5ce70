import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import type { IO } from "../io.js";

const ENTER = new Set(["\r", "\n"]);
const BACKSPACE = new Set(["\u007f", "\b"]);
const CTRL_C = "\u0003";
const CTRL_D = "\u0004";

/**
 * Asks for a secret on the terminal without echoing it: raw mode, so the terminal shows nothing as it is typed
 * (not even asterisks, which would tell its length). Backspace edits; Ctrl-C cancels, as it would anywhere else.
 */
export function readSecret(io: IO, question: string): Promise<string> {
  const { stdin, stderr } = io;
  stderr.write(question);
  stdin.setRawMode?.(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  return new Promise((resolve, reject) => {
    let secret = "";
    const finish = () => {
      stdin.removeListener("data", onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write("\n");
    };
    const onData = (chunk: string | Buffer) => {
      for (const character of String(chunk)) {
        if (ENTER.has(character) || (character === CTRL_D && secret !== "")) {
          finish();
          resolve(secret);
          return;
        }
        if (character === CTRL_C || character === CTRL_D) {
          finish();
          reject(new CliError("cancelled", ExitCode.error));
          return;
        }
        secret = BACKSPACE.has(character) ? [...secret].slice(0, -1).join("") : secret + character;
      }
    };
    stdin.on("data", onData);
  });
}
