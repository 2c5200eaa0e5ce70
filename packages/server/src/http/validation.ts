import type { FieldErrors } from "@prompt-service/protocol";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

function createAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allErrors: true,
    verbose: true,
  });
  addFormats.default(ajv);
  // OpenAPI and TypeBox annotations that carry no validation.
  ajv.addKeyword("example").addKeyword("x-error");
  return ajv;
}

// Bodies are JSON and keep their types: {"prompt": 42} is an error, not the string "42". Query strings and path
// parameters are text, so "k=3" becomes the integer the schema asks for.
const strict = createAjv(false);
const coercing = createAjv(true);

/**
 * The plugin's own validator compiler, so that it behaves the same in whatever Fastify app it is mounted
 * (Fastify's default coerces body types).
 */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const validate: ValidateFunction = (httpPart === "body" ? strict : coercing).compile(schema as object);
  return (data) => (validate(data) ? { value: data } : { error: validate.errors as unknown as Error });
};

function messageOf(error: ErrorObject): string {
  const custom = (error.parentSchema as { "x-error"?: string } | undefined)?.["x-error"];
  switch (error.keyword) {
    case "required":
      return "This field is required.";
    case "type":
      return `Expected ${String(error.params.type)}.`;
    case "minLength":
      return `Ensure this field has at least ${error.params.limit} characters.`;
    case "maxLength":
      return `Ensure this field has no more than ${error.params.limit} characters.`;
    case "minimum":
      return `Ensure this value is greater than or equal to ${error.params.limit}.`;
    case "maximum":
      return `Ensure this value is less than or equal to ${error.params.limit}.`;
    case "format":
      return error.params.format === "email"
        ? "Enter a valid email address."
        : `Expected ${error.params.format}.`;
    default:
      return custom ?? `Invalid value (${error.message ?? error.keyword}).`;
  }
}

/** Ajv errors → field name → messages; errors about the whole body go under `non_field_errors` as in DRF. */
export function fieldErrors(errors: readonly ErrorObject[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const error of errors) {
    const path = error.instancePath.split("/").filter(Boolean);
    if (error.keyword === "required") path.push(String(error.params.missingProperty));
    const field = path.join(".") || "non_field_errors";
    const message = messageOf(error);
    const messages = fields[field] ?? [];
    if (!messages.includes(message)) fields[field] = [...messages, message];
  }
  return fields;
}
