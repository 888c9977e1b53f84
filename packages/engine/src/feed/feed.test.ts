import { describe, expect, it } from "vitest";
import { parseTickCsv } from "./csv.js";
import { GbmFeed } from "./gbm.js";
import { SeededRandom } from "./random.js";
import { throughJson } from "../testing/market.js";

const instruments = [
  { symbol: "RELIANCE", price: 142_550, tickSize: 5, volatility: 0.3 },
  { symbol: "ITC", price: 40_875, tickSize: 5 },
];

describe("GbmFeed", () => {
  it("gives the same ticks for the same seed and different ticks for another", () => {
    const run = (seed: number) => {
      const feed = new GbmFeed({ seed, instruments, tickIntervalMs: 500 });
      return Array.from({ length: 200 }, (_, i) => feed.next(i * 250));
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it("keeps every price on the tick size and positive, and moves the price", () => {
    const feed = new GbmFeed({ seed: 7, instruments, tickIntervalMs: 60_000 });
    const ticks = Array.from({ length: 2_000 }, (_, i) => feed.next(i));
    for (const t of ticks) {
      expect(t.price % 5).toBe(0);
      expect(t.price).toBeGreaterThan(0);
      expect(Number.isSafeInteger(t.volume) && t.volume >= 1).toBe(true);
    }
    expect(new Set(ticks.filter((t) => t.symbol === "RELIANCE").map((t) => t.price)).size).toBeGreaterThan(50);
    expect(ticks.map((t) => t.symbol).slice(0, 4)).toEqual(["RELIANCE", "ITC", "RELIANCE", "ITC"]);
  });

  it("resumes from saved state exactly where it stopped", () => {
    const a = new GbmFeed({ seed: 1, instruments, tickIntervalMs: 500 });
    for (let i = 0; i < 37; i++) a.next(i);
    const b = new GbmFeed({ seed: 999, instruments, tickIntervalMs: 500 }, throughJson(a.state()));
    expect(Array.from({ length: 50 }, (_, i) => b.next(i))).toEqual(Array.from({ length: 50 }, (_, i) => a.next(i)));
  });

  it("draws normals with mean near 0 and variance near 1", () => {
    const r = new SeededRandom(3);
    const xs = Array.from({ length: 20_000 }, () => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe("parseTickCsv", () => {
  it("parses rows with an optional header, comments and blank lines", () => {
    const r = parseTickCsv("time,symbol,price,volume\n# recorded\n1700000000000,RELIANCE,2450.05,10\n\n2023-11-14T22:13:21Z,TCS,3000,0\n");
    expect(r).toEqual({
      ok: true,
      ticks: [
        { kind: "tick", time: 1_700_000_000_000, symbol: "RELIANCE", price: 245_005, volume: 10 },
        { kind: "tick", time: 1_700_000_001_000, symbol: "TCS", price: 300_000, volume: 0 },
      ],
    });
  });

  it("reports every bad row with its line number and what is wrong", () => {
    const r = parseTickCsv(
      [
        "time,symbol,price,volume",
        "1000,RELIANCE,abc,1",
        "2000,reliance,10,1",
        "3000,TCS,10.001,1.5",
        "500,TCS,10,1",
        "4000,TCS,10",
        "yesterday,TCS,1,1",
      ].join("\n"),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(r.errors[0]?.message).toContain('price "abc"');
    expect(r.errors[1]?.message).toContain('symbol "reliance"');
    expect(r.errors[2]?.message).toMatch(/price "10.001".*; volume "1.5"/);
    expect(r.errors[3]?.message).toContain("time order");
    expect(r.errors[4]?.message).toContain("expected 4 columns");
    expect(r.errors[5]?.message).toContain('time "yesterday"');
  });
});
