// How far a follower of a stream has got, and a way to wait until it gets somewhere.

export class Progress {
  /** The last sequence number reached. */
  value = 0;
  private readonly waiters: Array<{ seq: number; resolve: () => void }> = [];

  advance(seq: number): void {
    this.value = seq;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i] as { seq: number; resolve: () => void };
      if (waiter.seq > seq) continue;
      this.waiters.splice(i, 1);
      waiter.resolve();
    }
  }

  /** Resolves once `seq` is reached. */
  reached(seq: number): Promise<void> {
    if (seq <= this.value) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /** Whether `seq` is reached within `timeoutMs`. */
  async within(seq: number, timeoutMs: number): Promise<boolean> {
    if (seq <= this.value) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.reached(seq).then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
