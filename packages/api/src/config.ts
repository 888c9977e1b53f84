// Server configuration from command-line flags and environment variables, with documented
// defaults. Flags win over the environment.
import { CALENDARS, DEFAULT_STARTING_CASH, paiseToRupees, rupeesToPaise } from "@trading/engine";
import { z } from "zod";
import { DEFAULT_SHARDS } from "./cluster/shards.js";
import { chargeRatesText } from "./charges.js";

const bool = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0", "yes", "no", "on", "off"])])
  .transform((v) => v === true || v === "true" || v === "1" || v === "yes" || v === "on");

/** Brokers square intraday positions off ten minutes before NSE's 15:30 close. */
export const DEFAULT_SQUARE_OFF_TIME = "15:20";

export const configSchema = z.object({
  /**
   * What this process is: `all` (the default) the whole platform in one process; `gateway` an API
   * node of a cluster; `engine` an engine of a cluster, owning shards of users; `feed` a price feed
   * of a cluster (one leads). Cluster roles need DATABASE_URL and NATS.
   */
  role: z.enum(["all", "gateway", "engine", "feed"]).default("all"),
  /** The NATS server of a cluster. */
  natsUrl: z.string().url().default("nats://127.0.0.1:4222"),
  /** Prefixes every NATS subject and names the PostgreSQL schemas of a cluster, so clusters can share both. */
  clusterName: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,30}$/, "must be 1 to 31 lower-case letters, digits or _, starting with a letter")
    .default("trading"),
  /** Shards of a cluster: fixed when the cluster is first created, checked by every process. */
  shards: z.coerce.number().int().min(1).max(1024).default(DEFAULT_SHARDS),
  /** Shards one engine owns at most (default: as many as it can claim). */
  engineMaxShards: z.coerce.number().int().positive().optional(),
  /** How long an engine's claim on a shard lasts unrenewed: a dead engine's shards wait this long for a standby. */
  shardLeaseMs: z.coerce.number().int().min(300).max(60_000).default(3_000),
  port: z.coerce.number().int().min(0).max(65_535).default(3000),
  host: z.string().default("127.0.0.1"),
  dataDir: z.string().default("./data"),
  databaseUrl: z.string().url().optional(),
  /** PostgreSQL schema for this server's tables. */
  databaseSchema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default("trading"),
  logLevel: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** Ticks per second per instrument from the random-walk feed; 0 turns the feed off. */
  feedTicksPerSecond: z.coerce.number().min(0).max(50).default(2),
  feedSeed: z.coerce.number().int().default(1),
  /** A CSV file (time,symbol,price,volume) to replay instead of the random walk. */
  feedCsv: z.string().optional(),
  /** The market's calendar: `always` open (the default), or `nse` (weekends, holidays, IST sessions). */
  marketCalendar: z.enum(CALENDARS).default("always"),
  /** A simulated market clock starts at this time (ISO-8601); unset, the market runs on the wall clock. */
  marketClockStart: z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), "must be an ISO-8601 time, e.g. 2026-12-07T09:00:00+05:30")
    .optional(),
  /** How fast the simulated clock runs: 60 is one market minute per second. */
  marketClockSpeed: z.coerce.number().positive().max(100_000).default(1),
  /** `india`: trades bear brokerage, STT, exchange charges, fees and GST (see the engine's charges/rates.ts); `none`: no charges. */
  charges: z.enum(["india", "none"]).default("india"),
  /** Overrides of India's rates, as JSON (see charges.ts and the operations guide). */
  chargeRates: chargeRatesText.optional(),
  /** When intraday (MIS) positions are squared off on the NSE calendar, HH:MM IST (brokers: 15:20). */
  squareOffTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day HH:MM, e.g. 15:20")
    .default(DEFAULT_SQUARE_OFF_TIME),
  /** Trading days of 1-minute candles a new market starts with (made by the seeded feed); 0 for none. */
  historyDays: z.coerce.number().int().min(0).max(250).default(30),
  demoUsers: bool.default(true),
  /** Admin API key; with demo users on and none given, the demo admin key `admin-key` works. */
  adminApiKey: z.string().min(8).optional(),
  /** Rupees a new account opens with (whole paise). */
  startingCash: z.coerce
    .number()
    .positive()
    .refine((rupees) => rupeesToPaise(rupees) !== undefined, "must be rupees with at most two decimals")
    .default(paiseToRupees(DEFAULT_STARTING_CASH)),
  /** Requests per second per API key (token bucket refill rate), and the bucket size. */
  rateLimitPerSecond: z.coerce.number().positive().default(200),
  rateLimitBurst: z.coerce.number().int().positive().default(400),
  snapshotEvery: z.coerce.number().int().positive().default(250_000),
  /**
   * Seconds a closed order placed with a clientOrderId stays in the engine's memory; a retry of its
   * key after that is answered from the database, so memory holds open state, not history. Keep it
   * well above the longest a request may take (see the orders router's repeatFromHistory).
   */
  idempotencyMemorySeconds: z.coerce
    .number()
    .min(0.5)
    .max(7 * 86_400)
    .default(600),
  /** Comma-separated origins allowed by CORS and the WebSocket upgrade. */
  corsOrigins: z.string().default("http://localhost:5173,http://127.0.0.1:5173"),
  maxBodyBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  maxBatchSize: z.coerce.number().int().positive().default(50),
  maxWsPayloadBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  /** A socket with more than this waiting to be sent is too far behind: it is closed, to resume (see http/slow-sockets.ts). */
  maxWsBufferedBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  maxSubscriptionsPerConnection: z.coerce.number().int().positive().default(20),
  maxSubscriptionsPerUser: z.coerce.number().int().positive().default(100),
  /** Most recent order events kept in memory for subscribers that resume (see replay.ts). */
  replayWindow: z.coerce.number().int().positive().max(1_000_000).default(50_000),
  development: bool.default(false),
  /** The built web app to serve at `/` (default: the workspace's apps/web/dist). */
  webDir: z.string().optional(),
});

export type Config = z.infer<typeof configSchema>;

/** Environment variable for each setting; the README's configuration table lists the same. */
export const ENV_NAMES: Record<keyof Config, string> = {
  role: "ROLE",
  natsUrl: "NATS_URL",
  clusterName: "CLUSTER_NAME",
  shards: "SHARDS",
  engineMaxShards: "ENGINE_MAX_SHARDS",
  shardLeaseMs: "SHARD_LEASE_MS",
  port: "PORT",
  host: "HOST",
  dataDir: "DATA_DIR",
  databaseUrl: "DATABASE_URL",
  databaseSchema: "DATABASE_SCHEMA",
  logLevel: "LOG_LEVEL",
  feedTicksPerSecond: "FEED_TICKS_PER_SECOND",
  feedSeed: "FEED_SEED",
  feedCsv: "FEED_CSV",
  marketCalendar: "MARKET_CALENDAR",
  marketClockStart: "MARKET_CLOCK_START",
  marketClockSpeed: "MARKET_CLOCK_SPEED",
  historyDays: "HISTORY_DAYS",
  charges: "CHARGES",
  chargeRates: "CHARGE_RATES",
  squareOffTime: "SQUARE_OFF_TIME",
  demoUsers: "DEMO_USERS",
  adminApiKey: "ADMIN_API_KEY",
  startingCash: "STARTING_CASH",
  rateLimitPerSecond: "RATE_LIMIT_PER_SECOND",
  rateLimitBurst: "RATE_LIMIT_BURST",
  snapshotEvery: "SNAPSHOT_EVERY",
  idempotencyMemorySeconds: "IDEMPOTENCY_MEMORY_SECONDS",
  corsOrigins: "CORS_ORIGINS",
  maxBodyBytes: "MAX_BODY_BYTES",
  maxBatchSize: "MAX_BATCH_SIZE",
  maxWsPayloadBytes: "MAX_WS_PAYLOAD_BYTES",
  maxWsBufferedBytes: "MAX_WS_BUFFERED_BYTES",
  maxSubscriptionsPerConnection: "MAX_SUBSCRIPTIONS_PER_CONNECTION",
  maxSubscriptionsPerUser: "MAX_SUBSCRIPTIONS_PER_USER",
  replayWindow: "REPLAY_WINDOW",
  development: "DEVELOPMENT",
  webDir: "WEB_DIR",
};

/** `--data-dir ./x` or `--data-dir=./x` for dataDir; `--no-demo-users` for false. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv, overrides: Partial<Record<keyof Config, unknown>> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const flagNames = new Map(Object.keys(ENV_NAMES).map((k) => [k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), k]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--")) throw new ConfigError(`unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    if (name.startsWith("no-") && flagNames.has(name.slice(3))) {
      raw[flagNames.get(name.slice(3)) as string] = false;
      continue;
    }
    const key = flagNames.get(name);
    if (key === undefined) throw new ConfigError(`unknown flag --${name}`);
    const value = inline ?? argv[i + 1];
    if (inline === undefined) i++;
    if (value === undefined) throw new ConfigError(`--${name} needs a value`);
    raw[key] = value;
  }
  Object.assign(raw, overrides);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${ENV_NAMES[i.path[0] as keyof Config] ?? i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  }
  if (parsed.data.role !== "all" && parsed.data.databaseUrl === undefined) {
    throw new ConfigError(`invalid configuration: ROLE=${parsed.data.role} needs DATABASE_URL (a cluster keeps its record in PostgreSQL)`);
  }
  return parsed.data;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
