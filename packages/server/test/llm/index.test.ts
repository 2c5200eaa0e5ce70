import { describe, expect, it } from "vitest";
import { resolveOptions } from "../../src/config.js";
import { createLlm, MockLlm, OpenAiCompatibleLlm } from "../../src/llm/index.js";

describe("createLlm", () => {
  it("uses the mock without a key", async () => {
    expect(createLlm(resolveOptions())).toBeInstanceOf(MockLlm);
    expect(createLlm(resolveOptions({ openaiApiKey: "" }))).toBeInstanceOf(MockLlm);
  });

  it("uses the OpenAI-compatible provider with a key, with its defaults", async () => {
    const llm = createLlm(resolveOptions({ openaiApiKey: "sk-test" }));
    expect(llm).toBeInstanceOf(OpenAiCompatibleLlm);
    expect(llm.provider).toBe("openai");
    expect(llm.model).toBe("gpt-4o-mini");
    await llm.close();
  });

  it("passes the model on", async () => {
    const llm = createLlm(
      resolveOptions({
        openaiApiKey: "sk-test",
        openaiModel: "llama3",
        openaiBaseUrl: "http://localhost:11434/v1",
      }),
    );
    expect(llm.model).toBe("llama3");
    await llm.close();
  });
});
