import { performance } from "node:perf_hooks";
import { Engine, type Command } from "../src/index.js";
const setup: Command[] = [];
for (let s = 0; s < 20; s++) setup.push({ kind: "addInstrument", time: 0, instrument: { symbol: `SYM${s}`, name: "x", exchange: "NSE", instrumentType: "EQ", tickSize: 5, lotSize: 1, price: 250000 } });
for (let u = 0; u < 1000; u++) setup.push({ kind: "openAccount", time: 0, userId: `u${u}`, cash: 1e13 });
const N = 1_000_000;
const limits: Command[] = [];
for (let i = 0; i < N; i++) limits.push({ kind: "placeOrder", time: 1, userId: `u${i % 1000}`, orderId: `o${i}`, order: { symbol: `SYM${i % 20}`, side: "BUY", type: "LIMIT", quantity: 1, price: 250000 - 5 * (1 + (i % 60)), validity: "DAY" } });
const e = Engine.replay(setup);
(globalThis as any).gc();
for (let k = 0; k < 10; k++) {
const t = performance.now();
for (let i = k * 100000; i < (k + 1) * 100000; i++) e.apply(limits[i]!);
console.log(k, Math.round(100000 / ((performance.now() - t) / 1000)));
}
