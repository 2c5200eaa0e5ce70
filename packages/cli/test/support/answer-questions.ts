import type { FakeTerminalInput } from "./fake-io.js";

/**
 * Types `answers` into a terminal one at a time, each once the command has asked a new question (stderr ends with
 * "…: "), as a person would. Stops when every answer is typed.
 */
export function answerQuestions(terminal: FakeTerminalInput, stderr: () => string, answers: string[]): void {
  let typed = 0;
  let askedAt = 0;
  const timer = setInterval(() => {
    const text = stderr();
    if (text.length > askedAt && text.endsWith(": ")) {
      askedAt = text.length;
      terminal.write(answers[typed++] as string);
    }
    if (typed === answers.length) clearInterval(timer);
  }, 5);
}
