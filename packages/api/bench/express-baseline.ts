// The REST baseline the server is measured against (see rest.ts): a plain Express implementation of
// GET /api/v1/instruments and POST /api/v1/orders, in memory with no journal, as a small broker
// API would be written: the same engine, key check, input schema and answers, each answer mapped
// and serialised per request. Run as a separate process; prints its port.
import type { AddressInfo } from "node:net";
import express from "express";
import { DEFAULT_CHARGE_RATES, Engine, orderRequestSchema, SEED_INSTRUMENTS, toEngineOrder } from "@trading/engine";
import { instrumentDto, orderDto } from "../src/dto.js";

const engine = new Engine({ retainClosedOrders: false });
const now = () => Date.now();
engine.apply({ kind: "setChargeRates", time: now(), rates: DEFAULT_CHARGE_RATES });
for (const { volatility: _v, typicalVolume: _t, ...instrument } of SEED_INSTRUMENTS)
  engine.apply({ kind: "addInstrument", time: now(), instrument });

/** Any key opens an account on first use, as the bench's users each have one on the server. */
function userOf(key: string | undefined): string | null {
  if (key === undefined || key.length === 0) return null;
  if (!engine.hasAccount(key)) engine.apply({ kind: "openAccount", time: now(), userId: key, cash: 1_00_00_000_00 });
  return key;
}

let orders = 0;
const app = express();
app.use(express.json());
app.get("/api/v1/instruments", (req, res) => {
  if (userOf(req.header("x-api-key")) === null) return void res.status(401).json({ message: "a valid API key is required" });
  res.json(engine.instruments().map(instrumentDto));
});
app.post("/api/v1/orders", (req, res) => {
  const userId = userOf(req.header("x-api-key"));
  if (userId === null) return void res.status(401).json({ message: "a valid API key is required" });
  const parsed = orderRequestSchema.safeParse(req.body);
  if (!parsed.success) return void res.status(400).json({ message: parsed.error.message });
  const result = engine.apply({ kind: "placeOrder", time: now(), userId, orderId: `O${++orders}`, order: toEngineOrder(parsed.data) });
  if (!result.ok || result.order === undefined) return void res.status(422).json({ message: result.ok ? "no order" : result.message });
  res.json(orderDto(result.order));
});

const server = app.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
