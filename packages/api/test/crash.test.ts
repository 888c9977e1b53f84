// Crash test: a server child process under continuous order load is killed with SIGKILL, then
// restarted on the same data. Everything a client saw acknowledged must be there, unchanged, and
// the event sequence must go on without a gap. Several rounds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createTradingClient, type TradingClient } from "../src/client.js";
// The built server (the test runs after the build), started as a separate process.
import { spawnServer, type ServerProcess } from "../dist/spawn.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "trading-crash-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const children: ServerProcess[] = [];
// A failed assertion leaves its server running: stop it, or it keeps a core busy after the run.
afterAll(() => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
});

async function startChild(): Promise<ServerProcess> {
  // Snapshots every 40 journal entries: the snapshot thread is at work whenever a kill lands, so
  // recovery also meets snapshots cut off half-way.
  const server = await spawnServer({
    args: ["--data-dir", dataDir, "--feed-ticks-per-second", "20", "--history-days", "0", "--snapshot-every", "40"],
  });
  children.push(server);
  return server;
}

interface Acked {
  state: string;
  filledQuantity: number;
  /** A later command on this order was in flight at the kill: its outcome is either way. */
  uncertain: boolean;
}

/** Places and cancels orders from several concurrent clients until stopped; records every ack. */
function runLoad(client: TradingClient, acked: Map<string, Acked>, stop: { now: boolean }, worker: number): Promise<void> {
  return (async () => {
    let i = 0;
    while (!stop.now) {
      i++;
      try {
        if (i % 3 === 0) {
          const open = [...acked.entries()].find(([, a]) => a.state === "PLACED" && !a.uncertain);
          if (open !== undefined) {
            const [orderId, a] = open;
            a.uncertain = true;
            const cancelled = await client.orders.cancel.mutate({ orderId });
            acked.set(orderId, { state: cancelled.state, filledQuantity: cancelled.filledQuantity, uncertain: false });
            continue;
          }
        }
        const order =
          i % 2 === 0
            ? await client.orders.place.mutate({
                symbol: "ITC",
                side: "BUY",
                type: "MARKET",
                quantity: 1,
                clientOrderId: `w${worker}-${i}-${Date.now()}`,
              })
            : await client.orders.place.mutate({ symbol: "ITC", side: "BUY", type: "LIMIT", quantity: 1, price: 370 + (i % 20) });
        acked.set(order.orderId, { state: order.state, filledQuantity: order.filledQuantity, uncertain: false });
      } catch {
        return; // the server died under us
      }
    }
  })();
}

async function snapshotGauge(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return Number(/^trading_snapshot_journal_id (\d+)/m.exec(metrics)?.[1] ?? 0);
}

/** Complete snapshots on disk (a row is written after all its parts). */
function snapshotCount(): number {
  const db = new Database(path.join(dataDir, "trading.sqlite"), { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM snapshots").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function eventSeqs(): number[] {
  const db = new Database(path.join(dataDir, "trading.sqlite"), { readonly: true });
  try {
    return (db.prepare("SELECT seq FROM events ORDER BY seq").all() as Array<{ seq: number }>).map((r) => r.seq);
  } finally {
    db.close();
  }
}

describe("crash safety", () => {
  it("loses nothing acknowledged across SIGKILLs under load", async () => {
    const acked = new Map<string, Acked>();
    for (let round = 0; round < 3; round++) {
      const { child, url, exited } = await startChild();
      const clients = Array.from({ length: 4 }, () => createTradingClient({ url, apiKey: "alice-key" }));
      // Everything acknowledged before this start must have survived the previous kill.
      const check = clients[0] as TradingClient;
      for (const [orderId, expected] of acked) {
        const stored = await check.orders.get.query({ orderId });
        if (expected.uncertain) expect(["PLACED", "CANCELLED"]).toContain(stored.state);
        else
          expect({ state: stored.state, filledQuantity: stored.filledQuantity }).toEqual({
            state: expected.state,
            filledQuantity: expected.filledQuantity,
          });
      }
      // Cash and holdings agree with the trades on record and the charges they paid.
      const [funds, holdings, trades] = await Promise.all([
        check.funds.get.query(),
        check.portfolio.holdings.query(),
        check.trades.list.query({ limit: 500 }),
      ]);
      const bought = trades.items.reduce((sum, t) => sum + t.quantity, 0);
      const spent = trades.items.reduce((sum, t) => sum + Math.round(t.price * 100) * t.quantity, 0);
      expect(holdings.find((h) => h.symbol === "ITC")?.quantity ?? 0).toBe(bought);
      if (trades.items.length > 0) expect(funds.chargesPaid).toBeGreaterThan(0);
      expect(Math.round(funds.cash * 100)).toBe(10_00_000_00 - spent - Math.round(funds.chargesPaid * 100));

      const stop = { now: false };
      const load = clients.map((c, w) => runLoad(c, acked, stop, w));
      await new Promise((r) => setTimeout(r, 600 + round * 300));
      if (round === 0) {
        // The running server's snapshots come from its snapshot thread, while the load goes on.
        const deadline = Date.now() + 10_000;
        while ((await snapshotGauge(url)) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(await snapshotGauge(url)).toBeGreaterThan(0);
      }
      child.kill("SIGKILL");
      stop.now = true;
      await Promise.all(load);
      await exited;
      for (const c of clients) c.close();
      const seqs = eventSeqs();
      expect(seqs[0]).toBe(1);
      expect(seqs[seqs.length - 1]).toBe(seqs.length); // no gap anywhere
    }
    expect(acked.size).toBeGreaterThan(30);
    // Only killed so far, never stopped cleanly: these were all taken in the background.
    expect(snapshotCount()).toBeGreaterThan(0);
    // A last start: the sequence continues right after the last durable event.
    const lastSeq = eventSeqs().length;
    const { child, url, exited } = await startChild();
    const admin = createTradingClient({ url, apiKey: "admin-key" });
    await admin.admin.setPrice.mutate({ symbol: "ITC", price: 400 });
    admin.close();
    child.kill("SIGTERM");
    await exited;
    const seqs = eventSeqs();
    expect(seqs.length).toBeGreaterThan(lastSeq);
    expect(seqs[seqs.length - 1]).toBe(seqs.length);
  }, 90_000);
});
