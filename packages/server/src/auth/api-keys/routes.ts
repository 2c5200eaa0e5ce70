import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import {
  ApiKeyList,
  CreateKeyBody,
  ErrorBody,
  MAX_KEY_NAME_LENGTH,
  NewApiKeyBody,
} from "@prompt-service/protocol/schemas";
import { ApiError, validationError } from "../../http/api-error.js";
import { authenticatedErrors } from "../../http/schemas.js";
import { slashVariants } from "../../http/slash-variants.js";
import type { ServiceContext } from "../../service-context.js";
import { durationMs } from "../../settings/kinds.js";
import { requireSession, userIdOf } from "../authenticate.js";
import { newKeyMaterial } from "./key-material.js";
import { ApiKeyIdParams, toApiKeyBody } from "./schemas.js";

const tags = ["keys"];
const security = [{ bearerAuth: [] }];
/** Ten years: far enough for any real expiry, near enough that the date stays a date. */
const MAX_EXPIRY_MS = 10 * 366 * 24 * 3600 * 1000;
const keyErrors = { ...authenticatedErrors, 403: ErrorBody };

/** Parses `expires_in`; undefined for a key that does not expire. */
function expiryOf(expiresIn: string | undefined, now: number): Date | undefined {
  if (expiresIn === undefined) return undefined;
  const milliseconds = durationMs(expiresIn);
  if (!Number.isFinite(milliseconds) || milliseconds < 1000 || milliseconds > MAX_EXPIRY_MS) {
    throw validationError({
      expires_in: ['Enter a duration from 1 second to 10 years, such as "30d", "12h" or "3600" (seconds).'],
    });
  }
  return new Date(now + milliseconds);
}

/**
 * Personal API keys: `POST /api/keys`, `GET /api/keys`, `DELETE /api/keys/:id`. Managing keys takes a session (an
 * access token from a password login): a key itself gets 403 here, so that a leaked key cannot mint more.
 */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<ServiceContext> = async (app, context) => {
  const { storage, authenticate, apiKeys } = context;
  const onRequest = [authenticate, requireSession];

  const createSchema = {
    operationId: "createApiKey",
    tags,
    security,
    summary: "Create an API key (shown once)",
    body: CreateKeyBody,
    response: { 201: NewApiKeyBody, ...keyErrors },
  };
  for (const route of slashVariants("/api/keys", createSchema)) {
    app.post(route.url, { schema: route.schema, onRequest }, async (request, reply) => {
      const name = request.body.name.trim();
      if (name.length === 0) throw validationError({ name: ["This field may not be blank."] });
      if (name.length > MAX_KEY_NAME_LENGTH) {
        throw validationError({
          name: [`Ensure this field has no more than ${MAX_KEY_NAME_LENGTH} characters.`],
        });
      }
      const expiresAt = expiryOf(request.body.expires_in, Date.now()) ?? null;
      const material = newKeyMaterial();
      const record = await storage.apiKeys.create({
        userId: userIdOf(request),
        name,
        prefix: material.prefix,
        hash: material.hash,
        expiresAt,
      });
      request.log.info(
        { event: "api_key_created", userId: record.userId, keyId: record.id },
        "API key created",
      );
      return reply
        .code(201)
        .header("cache-control", "no-store")
        .send({ ...toApiKeyBody(record), key: material.key });
    });
  }

  const listSchema = {
    operationId: "listApiKeys",
    tags,
    security,
    summary: "The caller's API keys, newest first (never the keys themselves)",
    response: { 200: ApiKeyList, ...keyErrors },
  };
  for (const route of slashVariants("/api/keys", listSchema)) {
    app.get(route.url, { schema: route.schema, onRequest }, async (request) => ({
      results: (await storage.apiKeys.listOf(userIdOf(request))).map(toApiKeyBody),
    }));
  }

  const revokeSchema = {
    operationId: "revokeApiKey",
    tags,
    security,
    summary: "Revoke an API key: refused at once here, within a second on every instance",
    params: ApiKeyIdParams,
    response: { 204: { type: "null", description: "Revoked." }, ...keyErrors, 404: ErrorBody },
  };
  for (const route of slashVariants("/api/keys/:id", revokeSchema)) {
    app.delete(route.url, { schema: route.schema, onRequest }, async (request, reply) => {
      const userId = userIdOf(request);
      // Another user's key is "not found", not "forbidden": its existence is not revealed.
      if (!(await storage.apiKeys.revoke(userId, request.params.id))) {
        throw new ApiError("not_found", "API key not found.");
      }
      apiKeys.forget(request.params.id);
      request.log.info({ event: "api_key_revoked", userId, keyId: request.params.id }, "API key revoked");
      return reply.code(204).send();
    });
  }
};
