/**
 * Notices a connection that died without closing (a laptop that slept, a dropped NAT mapping): every interval it
 * sends a ping, and when nothing at all arrived since the previous one, the connection is declared dead.
 */
export class Heartbeat {
  private timer: ReturnType<typeof setInterval> | undefined;
  private heard = true;

  constructor(
    private readonly intervalMs: number,
    private readonly ping: () => void,
    private readonly dead: () => void,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (!this.heard) {
        this.stop();
        this.dead();
        return;
      }
      this.heard = false;
      this.ping();
    }, this.intervalMs);
  }

  /** Anything received proves the connection alive, not only a pong. */
  received(): void {
    this.heard = true;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
