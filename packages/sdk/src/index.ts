/**
 * @prompt-service/sdk in Node (the package's `node` export condition): undici's fetch, which takes a dispatcher,
 * and `ws`, which sends the token in a header. Other runtimes get ./browser.ts.
 */
import { ClientBase, type ClientOptions } from "./client.js";
import { nodePlatform } from "./platform/node.js";

export * from "./exports.js";

/** A client of the Prompt Service API. */
export class PromptClient extends ClientBase {
  constructor(options: ClientOptions = {}) {
    super(options, nodePlatform);
  }
}
