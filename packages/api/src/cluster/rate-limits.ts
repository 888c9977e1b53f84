// Rate limits shared by a cluster's gateways: each API key (or client address) has one token
// bucket, a row of the cluster's `rate_buckets` table, refilled and taken from in one statement on
// the database's clock, so N gateways allow a key the limit once, not N times. It costs each
// request one round trip to PostgreSQL (a fraction of a millisecond on a local network).
import pg from "pg";
import type { Limiter, Taken } from "../auth.js";
import { sessionSettings } from "../storage/postgres-pool.js";

/** Refills a bucket to at most `$2` tokens at `$3` per second since it was last used, then takes one if it has one. */
const TAKE = `
  INSERT INTO rate_buckets AS b (key, tokens, taken, at_ms)
  VALUES ($1, $2 - 1, true, EXTRACT(EPOCH FROM clock_timestamp()) * 1000)
  ON CONFLICT (key) DO UPDATE SET
    tokens = LEAST($2, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) / 1000 * $3)
      - CASE WHEN LEAST($2, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) / 1000 * $3) >= 1 THEN 1 ELSE 0 END,
    taken = LEAST($2, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) / 1000 * $3) >= 1,
    at_ms = GREATEST(b.at_ms, EXCLUDED.at_ms)
  RETURNING tokens, taken`;

/** Buckets unused for this long have filled up again: the same as none. */
const FORGET_AFTER_MS = 60_000;

export class SharedRateLimiter implements Limiter {
  private readonly pool: pg.Pool;
  private readonly timer: NodeJS.Timeout;

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

  async take(key: string): Promise<Taken> {
    const { rows } = await this.pool.query<{ tokens: number; taken: boolean }>(TAKE, [key, this.burst, this.perSecond]);
    const row = rows[0] as { tokens: number; taken: boolean };
    if (row.taken) return { ok: true, remaining: Math.floor(row.tokens) };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - row.tokens) / this.perSecond)) };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.pool.end();
  }
}
