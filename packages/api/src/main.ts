// Starts the platform. For now: the engine with the seeded instruments and the default price
// feed, logging a structured line of quotes every second until stopped.
import { Engine, GbmFeed, SEED_INSTRUMENTS, paiseToRupees } from "@trading/engine";

const ticksPerSecond = Number(process.env.FEED_TICKS_PER_SECOND ?? 2);
const seed = Number(process.env.FEED_SEED ?? 1);

const engine = new Engine();
for (const instrument of SEED_INSTRUMENTS) engine.apply({ kind: "addInstrument", time: Date.now(), instrument });
const feed = new GbmFeed({ seed, instruments: [...SEED_INSTRUMENTS], tickIntervalMs: 1000 / ticksPerSecond });

const log = (record: Record<string, unknown>) => console.log(JSON.stringify({ time: new Date().toISOString(), ...record }));

// One timer drives all instruments: each round ticks every instrument once.
const tickTimer = setInterval(() => {
  for (const tick of feed.round(Date.now())) engine.apply(tick);
}, 1000 / ticksPerSecond);
const reportTimer = setInterval(() => {
  const quotes = Object.fromEntries(engine.instruments().map((i) => [i.symbol, paiseToRupees(i.lastTradedPrice)]));
  log({ level: "info", msg: "quotes", seq: engine.lastSeq, quotes });
}, 1000);

log({ level: "info", msg: "price feed started", instruments: SEED_INSTRUMENTS.length, ticksPerSecond, seed });

function stop(signal: string): void {
  clearInterval(tickTimer);
  clearInterval(reportTimer);
  log({ level: "info", msg: "stopped", signal, seq: engine.lastSeq });
  process.exit(0);
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
