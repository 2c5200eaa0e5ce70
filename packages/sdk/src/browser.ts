/**
 * @prompt-service/sdk in browsers and other runtimes with a standard fetch and WebSocket (the package's default
 * export condition): nothing of Node's is loaded. The socket carries the token as a subprotocol.
 */
import { ClientBase, type ClientOptions } from "./client.js";
import { browserPlatform } from "./platform/browser.js";

export * from "./exports.js";

/** A client of the Prompt Service API. */
export class PromptClient extends ClientBase {
  constructor(options: ClientOptions = {}) {
    super(options, browserPlatform);
  }
}
