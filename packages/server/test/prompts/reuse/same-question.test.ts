import { describe, expect, it } from "vitest";
import { questionDifference } from "../../../src/prompts/reuse/same-question.js";

describe("questionDifference", () => {
  it.each([
    ["How do I enable two-factor authentication?", "How do I disable two-factor authentication?", "antonym"],
    ["How do I install Docker on Ubuntu?", "How do I uninstall Docker on Ubuntu?", "antonym"],
    ["¿Cómo activo el modo oscuro?", "¿Cómo desactivo el modo oscuro?", "antonym"],
    ["¿Cómo enciendo el Bluetooth?", "¿Cómo apago el Bluetooth?", "antonym"],
    ["Is coffee good for you?", "Is coffee bad for you?", "antonym"],
    ["Why is my laptop charging?", "Why isn't my laptop charging?", "negation"],
    ["¿Qué hago si mi bebé duerme mucho?", "¿Qué hago si mi bebé no duerme nada?", "negation"],
    ["How long does it take to run 5 miles?", "How long does it take to run 50 miles?", "number"],
    ["How many cups of flour for two loaves?", "How many cups of flour for three loaves?", "number"],
    ["What's the weather like in Paris in March?", "What's the weather like in Paris in August?", "number"],
    ["What is the capital of Australia?", "What is the capital of Austria?", "entity"],
    ["How do I install Python on Windows?", "How do I install Python on macOS?", "entity"],
    ["How long should I boil an egg?", "How long should I boil pasta?", "topic"],
    [
      "¿Cómo quito una mancha de vino de la alfombra?",
      "¿Cómo quito una mancha de café de la alfombra?",
      "topic",
    ],
  ])("tells %j from %j (%s)", (earlier, later, kind) => {
    expect(questionDifference(earlier, later)).toBe(kind);
  });

  it.each([
    ["How do I reset my password?", "How can I reset my password?"],
    ["Why isn't my laptop charging?", "Why is my laptop not charging?"],
    [
      "Which vegetables can be frozen without blanching?",
      "Which vegetables can be frozen if you don't blanch them?",
    ],
    ["How do I install Python on Windows?", "What's the way to install Python on my Windows laptop?"],
    ["What is the capital of Canada?", "Which city is Canada's capital?"],
    ["How do I fix a leaking faucet?", "How can I repair a leaking tap?"],
    ["¿Cómo arreglo un grifo que gotea?", "¿Cómo puedo reparar un grifo que gotea?"],
    ["How long does it take to run 5 miles?", "How much time does it take to run five miles?"],
  ])("finds no difference between the paraphrases %j and %j", (earlier, later) => {
    expect(questionDifference(earlier, later)).toBeUndefined();
  });

  it("errs on the side of the model when a paraphrase puts one word for another it does not know as a synonym", () => {
    // "frozen" and "freeze" have different stems: taken for a question about another thing, so the model answers.
    expect(
      questionDifference(
        "Which vegetables can be frozen without blanching?",
        "What vegetables can I freeze without blanching them?",
      ),
    ).toBe("topic");
  });
});
