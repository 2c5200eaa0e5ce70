import { NDJSON } from "@prompt-service/protocol";
import type { HttpClient, RequestOptions } from "../core/http.js";
import { APIError, type FieldErrors, PromptServiceError, ValidationError } from "../errors.js";
import type { ExportLine, ImportResult } from "../generated/api.js";

/** A line of an import: an export line as an object, or the text of one (a line of an .ndjson file). */
export type ImportLine = ExportLine | string;

export type { ImportResult };

export interface ImportOptions extends RequestOptions {
  /**
   * Bytes per request at most: the server's BODY_LIMIT, 256 KiB by default (the default here). A server with a
   * lower limit answers 413, and the client then sends smaller requests by itself.
   */
  maxBytes?: number;
}

const DEFAULT_IMPORT_MAX_BYTES = 256 * 1024;

/** Lines of one request, with the line number each has in the caller's input. */
interface Chunk {
  lines: string[];
  numbers: number[];
  bytes: number;
}

const encoder = new TextEncoder();
const emptyChunk = (): Chunk => ({ lines: [], numbers: [], bytes: 0 });

/** Each line of the input as text with its line number; an item with newlines in it counts as several lines. */
async function* numberedLines(
  input: Iterable<ImportLine> | AsyncIterable<ImportLine>,
): AsyncGenerator<{ text: string; number: number }> {
  let number = 0;
  for await (const item of input) {
    for (const text of typeof item === "string" ? item.split("\n") : [JSON.stringify(item)]) {
      number += 1;
      if (text.trim() !== "") yield { text, number };
    }
  }
}

/**
 * The server's 400 names lines of the request (`line 2: prompt`); the caller knows them by their place in the whole
 * input, so they are renamed to that.
 */
function renumbered(error: ValidationError, chunk: Chunk): ValidationError {
  const rename = (field: string) =>
    field.replace(/^line (\d+)/, (whole, line: string) => {
      const number = chunk.numbers[Number(line) - 1];
      return number === undefined ? whole : `line ${number}`;
    });
  const fields: FieldErrors = Object.fromEntries(
    Object.entries(error.fields ?? {}).map(([field, messages]) => [rename(field), messages]),
  );
  const detail = Object.entries(fields)
    .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
    .join("; ");
  return new ValidationError(
    error.status,
    { code: error.code, detail: detail || error.detail, fields },
    error.requestId,
  );
}

/**
 * `client.prompts.import`: sends the lines in requests of at most `maxBytes`, one after the other, reading the input
 * as it goes (an export of any size takes the memory of one request), and adds up the answers. Each request is all
 * or nothing; a bad line rejects with ValidationError naming its line in the input, and the requests before it stay
 * imported: importing the same input again skips them.
 */
export class PromptImport {
  private maxBytes: number;
  private readonly total: ImportResult = { imported: 0, skipped: 0 };

  constructor(
    private readonly http: HttpClient,
    private readonly options: ImportOptions,
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_IMPORT_MAX_BYTES;
  }

  async run(input: Iterable<ImportLine> | AsyncIterable<ImportLine>): Promise<ImportResult> {
    let chunk = emptyChunk();
    for await (const { text, number } of numberedLines(input)) {
      const bytes = encoder.encode(text).length + 1;
      if (bytes > this.maxBytes) {
        throw new PromptServiceError(
          `Line ${number} is ${bytes} bytes, more than one request may carry (${this.maxBytes}): the server's ` +
            "BODY_LIMIT must be raised to import it, and `maxBytes` with it.",
        );
      }
      if (chunk.bytes + bytes > this.maxBytes) {
        await this.send(chunk);
        chunk = emptyChunk();
      }
      chunk.lines.push(text);
      chunk.numbers.push(number);
      chunk.bytes += bytes;
    }
    if (chunk.lines.length > 0) await this.send(chunk);
    return { ...this.total };
  }

  private async send(chunk: Chunk): Promise<void> {
    let answer: ImportResult;
    try {
      // Safe to repeat: lines the user already has are skipped, so a retry after a lost answer stores nothing twice.
      answer = await this.http.request<ImportResult>(
        {
          method: "POST",
          path: "/api/prompts/import",
          content: { type: NDJSON, text: `${chunk.lines.join("\n")}\n` },
          authenticated: true,
          idempotent: true,
        },
        this.options,
      );
    } catch (error) {
      if (error instanceof ValidationError) throw renumbered(error, chunk);
      // The server takes less than `maxBytes`: send halves, and requests of that size from then on.
      if (error instanceof APIError && error.status === 413 && chunk.lines.length > 1) {
        this.maxBytes = Math.floor(chunk.bytes / 2);
        const half = Math.ceil(chunk.lines.length / 2);
        for (const [start, end] of [
          [0, half],
          [half, chunk.lines.length],
        ] as const) {
          const lines = chunk.lines.slice(start, end);
          const bytes = lines.reduce((sum, line) => sum + encoder.encode(line).length + 1, 0);
          await this.send({ lines, numbers: chunk.numbers.slice(start, end), bytes });
        }
        return;
      }
      throw error;
    }
    this.total.imported += answer.imported;
    this.total.skipped += answer.skipped;
  }
}
