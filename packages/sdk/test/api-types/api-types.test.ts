import { readFileSync } from "node:fs";
import type { PromptEvent } from "@prompt-service/sdk";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { PromptEvent as ServerPromptEvent } from "../../../server/src/prompts/events.js";
import { GENERATED_FILE, generateApiTypes } from "./generate.js";

describe("types shared with the server", () => {
  it("src/generated/api.ts is what the server's schemas generate (else: npm run generate:types -w @prompt-service/sdk)", () => {
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

  // Checked by `tsc`: the socket events have no schema yet, only the server's TypeScript type. The SDK may know an
  // event before the server sends it (prompt_deleted, announced by issue 25), never the other way round.
  it("knows every socket event the server sends", () => {
    expectTypeOf<ServerPromptEvent>().toExtend<PromptEvent>();
  });
});
