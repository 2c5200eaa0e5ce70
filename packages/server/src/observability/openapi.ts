import swagger from "@fastify/swagger";
import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";
import { slashVariants } from "../http/slash-variants.js";
import { amendOperations, type Paths, SHARED_COMPONENTS } from "./openapi-amendments.js";

interface OpenApiOptions {
  /** The API's version, shown in the document's `info`. */
  version: string;
  /** PROMPT_MAX_LENGTH, documented as the prompt's maxLength. */
  promptMaxLength: number;
}

const TAGS = [
  { name: "auth", description: "Accounts and JWT access/refresh tokens." },
  { name: "prompts", description: "Prompts answered by the language model, and their history." },
  {
    name: "keys",
    description:
      "Personal API keys (`ps_…`): an app's credential, acting as its user; managed with a session only.",
  },
  { name: "usage", description: "Prompts and tokens per UTC day, and the token budget (USER_TOKEN_BUDGET)." },
  { name: "operations", description: "Health probes and Prometheus metrics." },
  {
    name: "openai",
    description:
      "The OpenAI-compatible API under `/v1`: point an OpenAI client at `<server>/v1` with an API key or an access " +
      "token. Its errors have OpenAI's shape (`OpenAiError`), so the clients raise their typed errors.",
  },
];

/**
 * Route schemas embed the shared schemas (`ErrorBody`, `User`, `Prompt`: those with an `$id`) by value. In the
 * document each becomes one component and every use a `$ref` to it, so that clients generate one error type, not
 * one per route.
 */
class SharedSchemas {
  readonly components: Record<string, unknown> = {};

  /** A copy of a route schema in which every subschema with an `$id` is a reference to its component. */
  reference(node: unknown): unknown {
    if (Array.isArray(node)) return node.map((item) => this.reference(item));
    if (node === null || typeof node !== "object") return node;
    const { $id, ...rest } = node as Record<string, unknown>;
    const copy = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, this.reference(value)]));
    if (typeof $id !== "string") return copy;
    this.components[$id] ??= copy;
    // @fastify/swagger takes a response's description from its schema.
    return { $ref: `#/components/schemas/${$id}`, description: rest.description };
  }
}

/**
 * The OpenAPI 3.1 document, generated from the route schemas that also validate requests, served at `/schema`.
 * Not encapsulated: @fastify/swagger collects the routes registered beside it, after it.
 */
const plugin: FastifyPluginAsync<OpenApiOptions> = async (app, { version, promptMaxLength }) => {
  const shared = new SharedSchemas();
  await app.register(swagger, {
    // 3.1 is JSON Schema 2020-12: TypeBox's `const`, `type: "null"` and `patternProperties` stay as they are.
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Prompt Service API",
        version,
        license: { name: "MIT", identifier: "MIT" },
        description:
          "Send prompts to a language model, get the answer back (and pushed live over WebSocket), and find " +
          "earlier prompts that mean the same thing. Errors always have the `ErrorBody` shape. Live events " +
          "arrive on the WebSocket `/ws/prompts/` (access token as `?token=`), which OpenAPI does not describe.",
      },
      tags: TAGS,
      components: {
        ...SHARED_COMPONENTS,
        securitySchemes: {
          bearerAuth: {
            type: "http",
            scheme: "bearer",
            bearerFormat: "JWT or ps_ key",
            description:
              "An access token from `POST /api/auth/login/`, or a personal API key (`ps_…`) from `POST /api/keys`. " +
              "Managing keys and deleting the account take an access token.",
          },
          metricsToken: {
            type: "http",
            scheme: "bearer",
            description: "The METRICS_TOKEN of the server, when it sets one.",
          },
        },
      },
    },
    transform: ({ schema, url }) => ({ schema: shared.reference(schema) as typeof schema, url }),
    transformObject: (document) => {
      if (!("openapiObject" in document)) return document.swaggerObject;
      // A document generated for this call: amended in place, then cached by @fastify/swagger.
      const openapi = document.openapiObject as { paths?: Paths; components?: { schemas?: object } };
      amendOperations(openapi.paths ?? {}, promptMaxLength);
      openapi.components = {
        ...openapi.components,
        schemas: { ...openapi.components?.schemas, ...shared.components },
      };
      return document.openapiObject;
    },
  });

  for (const route of slashVariants("/schema", { hide: true })) {
    // The server is wherever the document was fetched from: tools that read it call the API there.
    app.get(route.url, { schema: route.schema }, async (request) => ({
      ...app.swagger(),
      servers: [{ url: `${request.protocol}://${request.host}`, description: "This server" }],
    }));
  }
};

export const openApi = fp(plugin, { name: "prompt-service-openapi" });
