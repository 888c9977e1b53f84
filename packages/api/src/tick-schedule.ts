// When the feed's ticks are due: at a steady rate by the clock, not by how often a timer gets to
// run. A timer is late when the process is busy (thousands of sockets to write to); a feed that
// made one tick per timer run would then slow down, and the market's pace would depend on how
// many people watch it. Each run makes every tick due since the last, so the rate holds; after a
// stall of more than a second (the process suspended), the ticks missed are let go rather than
// sent in one burst.

/** At most this much of a stall is caught up: a second's worth of ticks. */
const CATCH_UP_MS = 1_000;

export class TickSchedule {
  private next: number;

  constructor(
    /** Milliseconds between ticks. */
    readonly every: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.next = now() + every;
  }

  /** How many ticks are due now; the schedule moves past them. */
  due(): number {
    const now = this.now();
    if (now - this.next > CATCH_UP_MS) this.next = now - CATCH_UP_MS;
    let count = 0;
    while (this.next <= now) {
      count += 1;
      this.next += this.every;
    }
    return count;
  }
}
