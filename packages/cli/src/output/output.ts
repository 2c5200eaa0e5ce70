import type { IO } from "../io.js";
import { createStyle, type Style } from "./style.js";

interface OutputOptions {
  json: boolean;
  quiet: boolean;
  color: boolean;
}

const DEFAULT_WIDTH = 80;

/**
 * How a command speaks. Data goes to stdout: JSON with --json, formatted for a person on a terminal, plain
 * otherwise. Messages about what happened go to stderr, unless --quiet, so that stdout stays clean for pipes.
 */
export class Output {
  readonly isTTY: boolean;
  readonly json: boolean;
  readonly style: Style;
  readonly color: boolean;
  private readonly quiet: boolean;

  constructor(
    private readonly io: IO,
    options: OutputOptions,
  ) {
    this.isTTY = io.stdout.isTTY === true;
    this.json = options.json;
    this.quiet = options.quiet;
    this.color = options.color;
    this.style = createStyle(options.color);
  }

  /** The terminal's width, for tables. */
  get width(): number {
    return this.io.stdout.columns || DEFAULT_WIDTH;
  }

  /** Data, as is. */
  write(text: string): void {
    this.io.stdout.write(text);
  }

  printJson(value: unknown): void {
    this.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A message for the person running the command. */
  info(message: string): void {
    if (!this.quiet) this.io.stderr.write(`${message}\n`);
  }

  success(message: string): void {
    this.info(`${this.style.green("✓")} ${message}`);
  }
}
