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
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });
};

export const drainOnClose = fp(plugin, { name: "prompt-service-drain-on-close" });
