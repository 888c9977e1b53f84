import type { EngineEvent } from "@trading/engine";
import { describe, expect, it } from "vitest";
import { RecentEvents, ReplayTurns } from "./replay.js";

const order = (seq: number) => ({ seq, time: seq, type: "order.accepted", order: {} }) as unknown as EngineEvent;
const tick = (seq: number) => ({ seq, time: seq, type: "price.tick", symbol: "ITC", price: 1, volume: 1 }) as EngineEvent;

describe("recent events", () => {
  it("keep the newest order events, and say which resume points they cover", () => {
    const recent = new RecentEvents(3);
    expect(recent.covers(0)).toBe(false);
    recent.startAfter(10);
    expect(recent.covers(9)).toBe(false);
    expect(recent.covers(10)).toBe(true);
    for (let seq = 11; seq <= 20; seq++) recent.add(seq % 2 === 0 ? tick(seq) : order(seq));
    // Orders 11..19 were added (odd seqs); the newest three are 15, 17, 19.
    expect(recent.after(0, 10).map((e) => e.seq)).toEqual([15, 17, 19]);
    expect(recent.covers(13)).toBe(true);
    expect(recent.covers(12)).toBe(false);
    expect(recent.after(15, 10).map((e) => e.seq)).toEqual([17, 19]);
    expect(recent.after(16, 1).map((e) => e.seq)).toEqual([17]);
    expect(recent.after(19, 10)).toEqual([]);
  });
});

describe("replay turns", () => {
  it("let a few replays run at once, one per user, and the rest wait their turn", async () => {
    const turns = new ReplayTurns(2);
    const started: string[] = [];
    const take = (user: string) => turns.take(user, undefined).then(() => started.push(user));
    await take("a");
    const a2 = take("a");
    await take("b");
    const c = take("c");
    await Promise.resolve();
    expect(started).toEqual(["a", "b"]);
    turns.give("a");
    await a2;
    expect(started).toEqual(["a", "b", "a"]);
    turns.give("b");
    await c;
    expect(started).toEqual(["a", "b", "a", "c"]);
  });

  it("forget a waiter whose subscription ends", async () => {
    const turns = new ReplayTurns(1);
    await turns.take("a", undefined);
    const ended = new AbortController();
    const waiting = turns.take("b", ended.signal);
    ended.abort();
    await expect(waiting).rejects.toThrow();
    turns.give("a");
    await turns.take("c", undefined);
  });
});
