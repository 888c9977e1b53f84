// What only the PostgreSQL storage has to get right: how its connections are set up. Runs whenever
// DATABASE_URL is set (CI sets it; elsewhere the suite says plainly that it was not run).
import type { Command } from "@trading/engine";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { PostgresStorage } from "../src/storage/postgres.js";

const databaseUrl = process.env.DATABASE_URL;

const commands: Command[] = [
  { kind: "addInstrument", time: 60_000, instrument: { symbol: "TCS", name: "TCS", exchange: "NSE", instrumentType: "EQ", tickSize: 5, lotSize: 1, price: 300_000 } },
  { kind: "openAccount", time: 60_000, userId: "alice", cash: 10_00_000_00 },
];

if (databaseUrl === undefined || databaseUrl === "") {
  describe("PostgreSQL connections", () => {
    it.skip("not run: DATABASE_URL is not set (CI sets it to the machine's PostgreSQL)", () => undefined);
  });
} else {
  describe("PostgreSQL connections", () => {
    it("keep the options a connection string carries, use the server's schema on every connection, and never queue a query behind their set-up", async () => {
      const schema = `connections_${process.pid}_${Date.now()}`;
      const applicationName = `trading-test-${process.pid}`;
      const url = new URL(databaseUrl);
      url.searchParams.set("options", `-c application_name=${applicationName}`);
      const warnings: string[] = [];
      const onWarning = (warning: Error) => warnings.push(warning.message);
      process.on("warning", onWarning);
      const storage = new PostgresStorage(url.toString(), schema);
      const observer = new pg.Client({ connectionString: databaseUrl });
      try {
        await storage.init();
        // Writes and reads on whichever pooled connections are free: each must find the tables.
        await Promise.all([
          storage.commit({ firstJournalId: 1, commands: commands.slice(0, 1), events: [] }),
          storage.journal(0, 10),
          storage.recover(),
        ]);
        await storage.commit({ firstJournalId: 2, commands: commands.slice(1), events: [] });
        expect((await storage.recover()).commands).toEqual(commands);

        await observer.connect();
        const seen = await observer.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1", [applicationName]);
        expect((seen.rows[0] as { n: number }).n).toBeGreaterThan(0);
        expect(warnings.filter((m) => m.includes("already executing a query"))).toEqual([]);
      } finally {
        process.off("warning", onWarning);
        await observer.end();
        await storage.dropSchema();
        await storage.close();
      }
    });
  });
}
