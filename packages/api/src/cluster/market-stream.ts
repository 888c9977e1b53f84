// The cluster's market stream: every change to the market (instruments listed, prices ticked,
// sessions opened and closed), in one order, on JetStream (`<cluster>.market` of the stream
// `<cluster>_market`). The feed's leader is its only writer (see feed.ts); every shard applies it in
// stream order (ticks.ts) and every gateway keeps a copy of the market from it (market.ts), so all
// of them hold the same market. Each message also carries the feed's whole state after it, so a
// new leader carries on from the last message: the same walk, the same instruments.
import { StorageType, type JetStreamManager } from "@nats-io/jetstream";
import type {
  AddInstrumentCommand,
  Command,
  GbmFeedState,
  InstrumentSpec,
  OpeningAuctionCommand,
  SetChargeRatesCommand,
  TickCommand,
} from "@trading/engine";

export function marketStreamName(clusterName: string): string {
  return `${clusterName}_market`;
}

export function marketSubject(clusterName: string): string {
  return `${clusterName}.market`;
}

/** The shard whose candles are the market's: every shard applies the same ticks, the gateways read one. */
export const MARKET_HISTORY_SHARD = 0;

/** A market command as the feed publishes it; each shard stamps it with its own time. */
export type MarketCommand =
  | Omit<AddInstrumentCommand, "time" | "feedSeq">
  | Omit<TickCommand, "time" | "feedSeq">
  | { kind: "startPreOpen" }
  | Omit<OpeningAuctionCommand, "time" | "feedSeq">
  | Omit<SetChargeRatesCommand, "time" | "feedSeq">
  | { kind: "openSession" }
  | { kind: "squareOff" }
  | { kind: "closeSession" };

/** An instrument as the feed walks it. */
export interface WalkedInstrument extends InstrumentSpec {
  volatility?: number | undefined;
  typicalVolume?: number | undefined;
}

export interface FeedState {
  /** Every listed instrument, in listing order (the walk's order). */
  instruments: WalkedInstrument[];
  /** The random walk's state; null before the first instrument. */
  walk: GbmFeedState | null;
  marketOpen: boolean;
  /** Paused by an admin: no ticks until resumed. */
  paused: boolean;
  /** Whether the seeded instruments have all been listed (the first leader lists them). */
  seeded: boolean;
}

/** One message of the market stream: a command (or none, for a change of the feed's state alone) and the state after it. */
export interface MarketMessage {
  time: number;
  command: MarketCommand | null;
  state: FeedState;
}

/** The engine command a shard or a gateway applies for a message at `feedSeq`, stamped with `time`. */
export function engineCommand(command: MarketCommand, time: number, feedSeq: number): Command {
  return { ...command, time, feedSeq };
}

export async function ensureMarketStream(jsm: JetStreamManager, clusterName: string): Promise<void> {
  const name = marketStreamName(clusterName);
  const exists = await jsm.streams.info(name).then(
    () => true,
    () => false,
  );
  if (!exists) await jsm.streams.add({ name, subjects: [marketSubject(clusterName)], storage: StorageType.File });
}
