import { Readable } from "node:stream";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { NDJSON } from "@prompt-service/protocol";
import { ErrorBody, ExportLine, ImportResult } from "@prompt-service/protocol/schemas";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import { userIdOf } from "../auth/authenticate.js";
import { validationError } from "../http/api-error.js";
import { authenticatedErrors } from "../http/schemas.js";
import { slashVariants } from "../http/slash-variants.js";
import { fieldErrors, validatorCompiler } from "../http/validation.js";
import { throttle } from "../ratelimit/throttle.js";
import type { ServiceContext } from "../service-context.js";
import type { ImportedPrompt, PromptCursor, Storage } from "../storage/index.js";
import { type ExportLineBody, fromExportLine, toExportLine } from "./export-format.js";

const tags = ["prompts"];
const security = [{ bearerAuth: [] }];

/** Prompts read per query of an export: the server holds one batch at a time, whatever the history's size. */
const EXPORT_BATCH = 500;

/** The user's prompts, oldest first, as NDJSON lines, one batch from the database at a time (a keyset cursor). */
async function* exportLines(storage: Storage, userId: number): AsyncGenerator<string> {
  let after: PromptCursor | undefined;
  for (;;) {
    const batch = await storage.prompts.listOldestFirst(userId, {
      limit: EXPORT_BATCH,
      ...(after ? { after } : {}),
    });
    if (batch.length === 0) return;
    // One chunk per batch: a write per line would cost more than the query.
    yield batch.map((prompt) => `${JSON.stringify(toExportLine(prompt))}\n`).join("");
    const last = batch.at(-1) as (typeof batch)[number];
    if (batch.length < EXPORT_BATCH) return;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

const validateLine = validatorCompiler({ schema: ExportLine, httpPart: "body", method: "POST", url: "" });

/** Parses and checks every line first, so that a bad line stores nothing of the request; 400 names its line. */
function parseImport(body: string, promptMaxLength: number): ImportedPrompt[] {
  const prompts: ImportedPrompt[] = [];
  const lines = body.split("\n");
  for (const [index, raw] of lines.entries()) {
    const text = raw.trim();
    if (text === "") continue;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw validationError({ [`line ${line}`]: ["Not a JSON object."] });
    }
    const result = validateLine(value) as { error?: unknown };
    if (result.error) {
      const fields = fieldErrors(result.error as Parameters<typeof fieldErrors>[0]);
      throw validationError(
        Object.fromEntries(
          Object.entries(fields).map(([field, messages]) => [`line ${line}: ${field}`, messages]),
        ),
      );
    }
    const parsed = value as ExportLineBody;
    if ([...parsed.prompt].length > promptMaxLength) {
      throw validationError({
        [`line ${line}: prompt`]: [`Ensure this field has no more than ${promptMaxLength} characters.`],
      });
    }
    if (Number.isNaN(Date.parse(parsed.created_at))) {
      throw validationError({ [`line ${line}: created_at`]: ["Expected date-time."] });
    }
    prompts.push(fromExportLine(parsed));
  }
  return prompts;
}

/**
 * `GET /api/prompts/export` streams the caller's whole history as NDJSON; `POST /api/prompts/import` stores such
 * lines (another account's, another server's) without calling the model. Importing the same lines again imports
 * nothing: a prompt the user has with the same created_at and text is skipped.
 */
export const exportRoutes: FastifyPluginAsyncTypebox<ServiceContext> = async (app, context) => {
  const { storage, authenticate, limiters, similarity, config } = context;
  const throttleExports = throttle([
    { limiter: limiters.exports, keyOf: (request) => String(userIdOf(request)) },
  ]);

  const exportSchema = {
    operationId: "exportPrompts",
    tags,
    security,
    summary: "The caller's whole history as NDJSON, oldest first",
    description:
      "One JSON object per line: the prompt as `GET /api/prompts/:id` shows it, plus `model`, `messages` (chat " +
      "calls) and `usage`. Streamed from the database one batch at a time. Throttled per user (EXPORT_RATE_LIMITS).",
    response: {
      200: { description: "NDJSON lines.", content: { [NDJSON]: { schema: ExportLine } } },
      ...authenticatedErrors,
      429: ErrorBody,
    },
  };
  for (const route of slashVariants("/api/prompts/export", exportSchema)) {
    app.get(
      route.url,
      { schema: route.schema, onRequest: authenticate, config: throttleExports },
      async (request, reply) => {
        const userId = userIdOf(request);
        // A client that goes away destroys the stream, which stops the generator before its next query.
        const body = Readable.from(exportLines(storage, userId), { objectMode: false });
        body.on("error", (error) => request.log.warn({ err: error, userId }, "export stopped"));
        // A stream, which the route's typed reply (the lines' schema, for the OpenAPI document) does not describe.
        (reply as FastifyReply)
          .header("content-type", `${NDJSON}; charset=utf-8`)
          .header("content-disposition", 'attachment; filename="prompts.ndjson"')
          .header("cache-control", "no-store")
          .send(body);
        return reply;
      },
    );
  }

  // NDJSON bodies are read as text, and only on this route; BODY_LIMIT bounds them as any body.
  app.addContentTypeParser(NDJSON, { parseAs: "string" }, (_request, body, done) => done(null, body));
  const importSchema = {
    operationId: "importPrompts",
    tags,
    security,
    summary: "Store prompts from an export, without calling the model",
    description:
      "An NDJSON body (`Content-Type: application/x-ndjson`) of export lines, at most BODY_LIMIT bytes per request " +
      "(send a large export in several). All or nothing: a bad line is a 400 naming it, and nothing is stored. " +
      "Lines the caller already has (same `created_at` and `prompt`) are skipped. Vectors are computed here.",
    body: Type.String({ description: "NDJSON lines, as GET /api/prompts/export writes them." }),
    response: {
      200: ImportResult,
      ...authenticatedErrors,
      413: ErrorBody,
      415: ErrorBody,
    },
  };
  for (const route of slashVariants("/api/prompts/import", importSchema)) {
    app.post(route.url, { schema: route.schema, onRequest: authenticate }, async (request) => {
      const userId = userIdOf(request);
      const prompts = parseImport(request.body, config.promptMaxLength);
      const { imported, skipped } = await storage.prompts.importMany(userId, prompts);
      for (const prompt of imported) similarity.indexStored(prompt);
      request.log.info(
        { event: "prompts_imported", userId, imported: imported.length, skipped },
        "prompts imported",
      );
      return { imported: imported.length, skipped };
    });
  }
};
