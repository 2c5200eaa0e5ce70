import type { FastifyReply, FastifyRequest } from "fastify";

/** The client closed its connection before its answer was sent: the work it asked for is not done. */
export class ClientGoneError extends Error {
  constructor() {
    super("the client closed the connection before the answer was sent");
    this.name = "ClientGoneError";
  }
}

/**
 * Aborted once the request's client has gone. A client that gave up waiting (an instance frozen for a few seconds, a
 * balancer's timeout) usually sends the same request elsewhere: answering the stale copy when the instance resumes
 * would store the prompt twice. Node ends a request whose connection ends before the reply (the server does not
 * allow half-open connections), so its state tells whether anybody still waits.
 */
export function clientGoneSignal(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const gone = () => {
    if (!reply.raw.writableFinished) controller.abort(new ClientGoneError());
  };
  const { raw } = request;
  if (raw.destroyed || raw.socket?.destroyed || raw.socket?.writable === false) gone();
  else reply.raw.once("close", gone);
  return controller.signal;
}
