import { readFileSync } from "node:fs";
import type { PromptEvent as PromptEventSchema } from "@prompt-service/protocol/schemas";
import type { PromptEvent } from "@prompt-service/sdk";
import type { Static } from "typebox";
import { describe, expect, expectTypeOf, it } from "vitest";
import { GENERATED_FILE, generateApiTypes } from "./generate.js";

describe("types generated from @prompt-service/protocol", () => {
  it("src/generated/api.ts is what the protocol's schemas generate (else: npm run generate:types -w @prompt-service/sdk)", () => {
    expect(readFileSync(GENERATED_FILE, "utf8")).toBe(generateApiTypes());
  });

  it("refuses a schema it cannot translate rather than guess", () => {
    const tuple = { type: "array", prefixItems: [{ type: "string" }] };
    expect(() => generateApiTypes([{ name: "Odd", schema: tuple, direction: "response" }])).toThrow(
      /without items/,
    );
    const bytes = { type: "object", properties: { data: { type: "Uint8Array" } }, required: ["data"] };
    expect(() => generateApiTypes([{ name: "Odd", schema: bytes, direction: "response" }])).toThrow(
      /unsupported/,
    );
  });

  // Checked by `tsc`: the events the server sends are the protocol's schema (its TypeScript type is the schema's
  // static type), and the SDK's generated types are the same union.
  it("knows every socket event the server sends", () => {
    expectTypeOf<Static<typeof PromptEventSchema>>().toEqualTypeOf<PromptEvent>();
  });
});
