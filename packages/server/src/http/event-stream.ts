import { PassThrough } from "node:stream";
import type { FastifyReply } from "fastify";

/**
 * Starts a `200 text/event-stream` reply and returns the stream its events are written to. Nothing may buffer it:
 * `no-transform` keeps proxies from compressing it, and `X-Accel-Buffering: no` tells nginx-style proxies so.
 */
export function openEventStream(reply: FastifyReply): PassThrough {
  const stream = new PassThrough();
  void reply
    .code(200)
    .header("content-type", "text/event-stream; charset=utf-8")
    .header("cache-control", "no-cache, no-transform")
    .header("x-accel-buffering", "no")
    .send(stream);
  return stream;
}
