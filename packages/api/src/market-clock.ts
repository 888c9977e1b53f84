// The market's clock: the wall clock by default, or a simulated one that starts at
// MARKET_CLOCK_START and runs MARKET_CLOCK_SPEED times as fast (60: a market minute per second),
// for trying a whole trading day in minutes and for tests. The engine never reads a clock: time
// reaches it in commands; this is what the server asks.
import type { Config } from "./config.js";

export class MarketClock {
  private start: number | undefined;
  private startedAt: number;

  constructor(
    options: Pick<Config, "marketClockStart" | "marketClockSpeed">,
    private readonly wallNow: () => number = Date.now,
  ) {
    this.start = options.marketClockStart === undefined ? undefined : Date.parse(options.marketClockStart);
    this.speed = this.start === undefined ? 1 : options.marketClockSpeed;
    this.startedAt = wallNow();
  }

  /** Market milliseconds per wall-clock millisecond (1 on the wall clock). */
  readonly speed: number;

  get simulated(): boolean {
    return this.start !== undefined;
  }

  /**
   * A restarted server's simulated clock carries on from the last time it recorded (a journal
   * entry's), not from MARKET_CLOCK_START again: the market's day does not go back. The time the
   * server was down is skipped. The wall clock needs nothing of the kind.
   */
  resumeFrom(time: number): void {
    if (this.start === undefined || time <= this.now()) return;
    this.start = time;
    this.startedAt = this.wallNow();
  }

  /**
   * Sets a simulated clock to another's time, ahead or behind: a cluster's engine keeps the feed
   * leader's clock so (see roles/engine.ts), whichever process started first. The wall clock needs
   * nothing of the kind.
   */
  follow(time: number): void {
    if (this.start === undefined) return;
    this.start = time;
    this.startedAt = this.wallNow();
  }

  /** The market's time now, in epoch milliseconds. */
  now(): number {
    const wall = this.wallNow();
    return this.start === undefined ? wall : Math.floor(this.start + (wall - this.startedAt) * this.speed);
  }
}
