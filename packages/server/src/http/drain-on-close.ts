import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";

/**
 * While the server is closing, responses carry `Connection: close`. Node closes connections that are idle when
 * `close()` starts, but a keep-alive connection whose request was still running would otherwise stay open until
 * its keep-alive timeout and hold the shutdown past its deadline.
 */
const plugin: FastifyPluginAsync = async (app) => {
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  // The callback form, as every hook on each request's path (see request-logging.ts).
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
};

export const drainOnClose = fp(plugin, { name: "prompt-service-drain-on-close" });
