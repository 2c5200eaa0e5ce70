import { Command } from "commander";
import type { Invoke } from "../../context.js";
import { keysCreateCommand } from "./create.js";
import { keysListCommand } from "./list.js";
import { keysRevokeCommand } from "./revoke.js";

/** `prompt keys create|list|revoke`: personal API keys, managed with a session (`prompt login`). */
export function keysCommand(invoke: Invoke): Command {
  const keys = new Command("keys").description(
    "manage your API keys, for scripts and apps (PROMPT_API_KEY, the SDK's apiKey, OpenAI clients); needs a login",
  );
  for (const define of [keysCreateCommand, keysListCommand, keysRevokeCommand])
    keys.addCommand(define(invoke));
  return keys;
}
