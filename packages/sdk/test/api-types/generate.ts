import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SCHEMA_ENTRIES, type SchemaEntry } from "./protocol-schemas.js";

type JsonSchema = { readonly [keyword: string]: unknown };

export const GENERATED_FILE = fileURLToPath(new URL("../../src/generated/api.ts", import.meta.url));

const HEADER = `// Generated from @prompt-service/protocol's TypeBox schemas by \`npm run generate:types -w @prompt-service/sdk\`: do not edit.
// packages/sdk/test/api-types/api-types.test.ts fails when this file and the protocol's schemas disagree.
`;

const isSchema = (value: unknown): value is JsonSchema => typeof value === "object" && value !== null;

/**
 * Translates the JSON Schema subset the protocol's schemas use. Anything else throws, so that a new kind of schema
 * in the protocol makes the drift test fail loudly instead of producing a wrong type.
 */
class Emitter {
  /** A schema used inside another is referred to by its name: found by identity, or by `$id`. */
  private readonly nameOfSchema: Map<object, string>;
  private readonly nameOfId: Map<string, string>;

  constructor(entries: readonly SchemaEntry[]) {
    this.nameOfSchema = new Map(entries.map(({ name, schema }) => [schema, name]));
    this.nameOfId = new Map(
      entries.flatMap(({ name, schema }) => {
        const id = (schema as JsonSchema).$id;
        return typeof id === "string" ? [[id, name]] : [];
      }),
    );
  }

  declaration(entry: SchemaEntry): string {
    const schema = entry.schema as JsonSchema;
    const doc = this.doc(schema, "");
    const body = this.type(schema, entry.direction, "", false);
    return schema.type === "object" && !schema.patternProperties
      ? `${doc}export interface ${entry.name} ${body}\n`
      : `${doc}export type ${entry.name} = ${body};\n`;
  }

  private type(
    schema: JsonSchema,
    direction: SchemaEntry["direction"],
    indent: string,
    nested = true,
  ): string {
    const named = this.nameOf(schema);
    if (nested && named) return named;
    if ("const" in schema) return JSON.stringify(schema.const);
    if (Array.isArray(schema.anyOf)) {
      return schema.anyOf.map((member: JsonSchema) => this.type(member, direction, indent)).join(" | ");
    }
    switch (schema.type) {
      case "string":
        return "string";
      case "integer":
      case "number":
        return "number";
      case "boolean":
        return "boolean";
      case "null":
        return "null";
      case "array": {
        if (!isSchema(schema.items)) throw new Error("array schema without items");
        const items = this.type(schema.items, direction, indent);
        return items.includes(" ") ? `Array<${items}>` : `${items}[]`;
      }
      case "object":
        return this.object(schema, direction, indent);
      default:
        throw new Error(`unsupported schema: ${JSON.stringify(schema)}`);
    }
  }

  private nameOf(schema: JsonSchema): string | undefined {
    return (
      this.nameOfSchema.get(schema) ??
      (typeof schema.$id === "string" ? this.nameOfId.get(schema.$id) : undefined)
    );
  }

  private object(schema: JsonSchema, direction: SchemaEntry["direction"], indent: string): string {
    if (isSchema(schema.patternProperties)) {
      const values = Object.values(schema.patternProperties);
      if (values.length !== 1 || !isSchema(values[0]))
        throw new Error("only single-pattern records are supported");
      return `Record<string, ${this.type(values[0], direction, indent)}>`;
    }
    if (!isSchema(schema.properties)) throw new Error("object schema without properties");
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const inner = `${indent}  `;
    const lines = Object.entries(schema.properties).map(([key, value]) => {
      if (!isSchema(value)) throw new Error(`property ${key} has no schema`);
      // The server fills in a defaulted request field, so a caller may leave it out.
      const optional = !required.has(key) || (direction === "request" && "default" in value);
      // A named schema's description is on its own declaration.
      const doc = this.nameOf(value) ? "" : this.doc(value, inner);
      return `${doc}${inner}${key}${optional ? "?" : ""}: ${this.type(value, direction, inner)};`;
    });
    return `{\n${lines.join("\n")}\n${indent}}`;
  }

  private doc(schema: JsonSchema, indent: string): string {
    const notes = [
      typeof schema.description === "string" ? schema.description : undefined,
      range(schema),
      "default" in schema ? `Defaults to ${JSON.stringify(schema.default)}.` : undefined,
      typeof schema.format === "string" ? `Format: ${schema.format}.` : undefined,
    ].filter(Boolean);
    return notes.length > 0 ? `${indent}/** ${notes.join(" ")} */\n` : "";
  }
}

/** "From 1 to 100." or "3 to 150 characters.", from the bounds the server validates. */
function range(schema: JsonSchema): string | undefined {
  const [low, high, unit] =
    schema.type === "string"
      ? [schema.minLength, schema.maxLength, " characters"]
      : [schema.minimum, schema.maximum, ""];
  if (typeof low === "number" && typeof high === "number") return `${low} to ${high}${unit}.`;
  if (typeof low === "number") return `At least ${low}${unit}.`;
  if (typeof high === "number") return `At most ${high}${unit}.`;
  return undefined;
}

/** The formatter of the repository, so that `biome check --write` leaves the generated file as it is. */
function format(source: string): string {
  const biome = fileURLToPath(new URL("../../../../node_modules/.bin/biome", import.meta.url));
  const result = spawnSync(biome, ["format", `--stdin-file-path=${GENERATED_FILE}`], {
    input: source,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`biome could not format the generated types:\n${result.stderr}`);
  return result.stdout;
}

/** The content that src/generated/api.ts must have for the protocol's current schemas. */
export function generateApiTypes(entries: readonly SchemaEntry[] = SCHEMA_ENTRIES): string {
  const emitter = new Emitter(entries);
  return format(`${HEADER}\n${entries.map((entry) => emitter.declaration(entry)).join("\n")}`);
}
