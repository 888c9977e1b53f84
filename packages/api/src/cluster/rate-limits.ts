// Rate limits shared by a cluster's gateways: each API key (or client address) has one token
// bucket, a row of the cluster's `rate_buckets` table, refilled and taken from in one statement on
// the database's clock, so N gateways allow a key the limit once, not N times. The takes of one key
// that arrive while its statement is on its way go together in the next one, which takes as many
// tokens as there are takes: a key's burst (a client opening its subscriptions at once) costs one
// round trip to PostgreSQL, not one each, and its takes are answered in the order they came.
import pg from "pg";
import type { Limiter, Taken } from "../auth.js";
import { sessionSettings } from "../storage/postgres-pool.js";

/** Refills a bucket to at most `$2` tokens at `$3` per second since it was last used, then takes up to `$4` whole ones. */
const TAKE = `
  INSERT INTO rate_buckets AS b (key, tokens, taken, granted, at_ms)
  VALUES ($1, $2 - LEAST($4, FLOOR($2)), $4 >= 1 AND $2 >= 1, LEAST($4, FLOOR($2)), EXTRACT(EPOCH FROM clock_timestamp()) * 1000)
  ON CONFLICT (key) DO UPDATE SET
    tokens = LEAST($2, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) / 1000 * $3)
      - LEAST($4, FLOOR(LEAST($2, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) / 1000 * $3))),
    granted = LEAST($4, FLOOR(LEAST($2, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) / 1000 * $3))),
    taken = LEAST($4, FLOOR(LEAST($2, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) / 1000 * $3))) >= 1,
    at_ms = GREATEST(b.at_ms, EXCLUDED.at_ms)
  RETURNING tokens, granted`;

/** Buckets unused for this long have filled up again: the same as none. */
const FORGET_AFTER_MS = 60_000;

export class SharedRateLimiter implements Limiter {
  private readonly pool: pg.Pool;
  private readonly timer: NodeJS.Timeout;
  /** Takes of each key not yet asked for, in the order they came. */
  private readonly waiting = new Map<string, Array<{ resolve: (taken: Taken) => void; reject: (error: unknown) => void }>>();
  /** Keys whose statement is on its way. */
  private readonly asking = new Set<string>();

  /** `schema`: the cluster's own schema (ownership.ts creates the table). */
  constructor(
    connectionString: string,
    schema: string,
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.pool = new pg.Pool({ ...sessionSettings(connectionString, schema), max: 4 });
    this.pool.on("error", () => undefined);
    const forgetAfter = Math.max(FORGET_AFTER_MS, (burst / perSecond) * 1000);
    this.timer = setInterval(() => {
      void this.pool
        .query("DELETE FROM rate_buckets WHERE at_ms < EXTRACT(EPOCH FROM clock_timestamp()) * 1000 - $1", [forgetAfter])
        .catch(() => undefined);
    }, forgetAfter);
    this.timer.unref();
  }

  get limit(): number {
    return this.burst;
  }

  take(key: string): Promise<Taken> {
    return new Promise((resolve, reject) => {
      const waiting = this.waiting.get(key);
      if (waiting !== undefined) waiting.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      if (!this.asking.has(key)) void this.ask(key);
    });
  }

  /** Takes for every take of `key` waiting, in one statement; then for those that came meanwhile. */
  private async ask(key: string): Promise<void> {
    const takes = this.waiting.get(key) ?? [];
    this.waiting.delete(key);
    this.asking.add(key);
    try {
      const { rows } = await this.pool.query<{ tokens: number; granted: number }>(TAKE, [key, this.burst, this.perSecond, takes.length]);
      const { tokens, granted } = rows[0] as { tokens: number; granted: number };
      takes.forEach((take, i) =>
        take.resolve(
          i < granted
            ? { ok: true, remaining: Math.floor(tokens) + granted - i - 1 }
            : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.perSecond)) },
        ),
      );
    } catch (error) {
      for (const take of takes) take.reject(error);
    } finally {
      this.asking.delete(key);
      if (this.waiting.has(key)) void this.ask(key);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.pool.end();
  }
}
