import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";

let t: TestServer;
let api: string;
beforeAll(async () => {
  t = await startTestServer({ rateLimitPerSecond: 5, rateLimitBurst: 60 });
  api = `${t.server.url}/api/v1`;
});
afterAll(async () => {
  await t.stop();
});

const as = (key: string) => ({ "x-api-key": key, "content-type": "application/json" });

async function send(method: "GET" | "POST", path: string, key: string, body?: unknown) {
  const response = await fetch(`${api}${path}`, { method, headers: as(key), body: body === undefined ? undefined : JSON.stringify(body) });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown> & { data?: Record<string, unknown> },
  };
}

describe("REST mirror", () => {
  it("serves the seed's paths with amounts in rupees", async () => {
    const list = await send("GET", "/instruments", "alice-key");
    expect(list.status).toBe(200);
    expect((list.body as unknown as unknown[]).length).toBeGreaterThanOrEqual(15);
    const one = await send("GET", "/instruments/reliance", "alice-key");
    expect(one.body).toMatchObject({ symbol: "RELIANCE", exchange: "NSE", tickSize: 0.1, lotSize: 1 });
    const placed = await send("POST", "/orders", "alice-key", { symbol: "RELIANCE", side: "BUY", type: "MARKET", quantity: 2 });
    expect(placed.status).toBe(200);
    expect(placed.body).toMatchObject({ state: "EXECUTED", filledQuantity: 2 });
    const order = await send("GET", `/orders/${String(placed.body.orderId)}`, "alice-key");
    expect(order.body).toMatchObject({ history: [{ state: "PLACED" }, { state: "EXECUTED" }], trades: [{ quantity: 2 }] });
    const portfolio = await send("GET", "/portfolio", "alice-key");
    expect(portfolio.body).toEqual([expect.objectContaining({ symbol: "RELIANCE", quantity: 2 })]);
    const trades = await send("GET", "/trades?limit=1", "alice-key");
    expect(trades.body).toMatchObject({ items: [{ symbol: "RELIANCE", quantity: 2 }], nextCursor: null });
    const funds = await send("GET", "/funds", "alice-key");
    expect(funds.body).toMatchObject({ blocked: 0 });
  });

  it("answers validation errors with field paths, rejections with reason codes and HTTP statuses", async () => {
    const missing = await send("POST", "/orders", "bob-key", { symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 1 });
    expect(missing.status).toBe(400);
    expect(missing.body.data).toMatchObject({ fieldErrors: { price: ["is required"] } });
    const extra = await send("POST", "/orders", "bob-key", { symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1, price: 10 });
    expect(extra.status).toBe(400);
    const funds = await send("POST", "/orders", "bob-key", { symbol: "MARUTI", side: "BUY", type: "MARKET", quantity: 10_000 });
    expect(funds.status).toBe(422);
    expect(funds.body.data).toMatchObject({ reason: "INSUFFICIENT_FUNDS" });
    expect(String(funds.body.message)).toContain("is available");
    const resting = await send("POST", "/orders", "bob-key", { symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 1, price: 2800 });
    const id = String(resting.body.orderId);
    const modified = await send("POST", `/orders/${id}/modify`, "bob-key", { price: 2801 });
    expect(modified.body).toMatchObject({ price: 2801 });
    expect((await send("POST", `/orders/${id}/cancel`, "bob-key", {})).body).toMatchObject({ state: "CANCELLED" });
    const again = await send("POST", `/orders/${id}/cancel`, "bob-key", {});
    expect(again.status).toBe(409);
    expect(again.body.data).toMatchObject({ reason: "ORDER_NOT_OPEN" });
    const open = await send("GET", "/orders?open=false&limit=50", "bob-key");
    expect((open.body.items as Array<{ state: string }>).every((o) => o.state !== "PLACED")).toBe(true);
  });

  it("answers a body that is not JSON with 400, an oversized one with 413, and each bad field once; none places an order", async () => {
    const before = await send("GET", "/orders?limit=500", "bob-key");
    const raw = (body: string) => fetch(`${api}/orders`, { method: "POST", headers: as("bob-key"), body });
    const broken = await raw('{"symbol": "TCS", side: BUY}');
    expect(broken.status).toBe(400);
    const brokenBody = (await broken.json()) as { message: string; code: string; data: Record<string, unknown> };
    expect(brokenBody).toMatchObject({ code: "PARSE_ERROR", data: { httpStatus: 400, reason: null, fieldErrors: null } });
    expect(brokenBody.message).toContain("not valid JSON");
    const oversized = await raw(
      JSON.stringify({ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1, pad: "x".repeat(t.config.maxBodyBytes) }),
    );
    expect(oversized.status).toBe(413);
    expect(await oversized.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE", data: { httpStatus: 413 } });
    const decimals = await send("POST", "/orders", "bob-key", { symbol: "TCS", side: "BUY", type: "LIMIT", quantity: 1, price: 3000.123 });
    expect(decimals.status).toBe(400);
    expect(decimals.body.data?.fieldErrors).toEqual({ price: ["must have at most two decimals (whole paise)"] });
    // A body that parses still meets the order rules, as tRPC's does.
    const noTrigger = await send("POST", "/orders", "bob-key", { symbol: "TCS", side: "BUY", type: "SL_M", quantity: 1 });
    expect(noTrigger.status).toBe(400);
    expect(Object.keys(noTrigger.body.data?.fieldErrors as object)).toEqual(["triggerPrice"]);
    for (const [body, fieldErrors] of [
      [{ symbol: "TCS", side: "BUY", type: "STOP", quantity: 1 }, { type: ["must be MARKET, LIMIT, SL or SL_M"] }],
      [{ symbol: "TCS", side: "HOLD", type: "MARKET", quantity: 1 }, { side: ["must be BUY or SELL"] }],
      [{ symbol: "TCS", side: "BUY", type: "MARKET", quantity: 1, validity: "GTC" }, { validity: ["must be DAY or IOC"] }],
      [{ symbol: "TCS", side: "BUY", quantity: 1 }, { type: ["must be MARKET, LIMIT, SL or SL_M"] }],
    ] as const) {
      const wrong = await send("POST", "/orders", "bob-key", body);
      expect({ status: wrong.status, fieldErrors: wrong.body.data?.fieldErrors }).toEqual({ status: 400, fieldErrors });
    }
    const after = await send("GET", "/orders?limit=500", "bob-key");
    expect(after.body.items).toEqual(before.body.items);
  });

  it("says what a list or chart query allows when a parameter is out of range or not the right kind", async () => {
    const cases: Array<[string, Record<string, string[]>]> = [
      ["/orders?limit=1000", { limit: ["must be a whole number from 1 to 500"] }],
      ["/orders?limit=abc", { limit: ["must be a whole number from 1 to 500"] }],
      ["/orders?limit=0", { limit: ["must be a whole number from 1 to 500"] }],
      ["/trades?limit=2.5", { limit: ["must be a whole number from 1 to 500"] }],
      [
        "/orders?state=FOO",
        { state: ["must be one of PLACED, TRIGGER_PENDING, PARTIALLY_EXECUTED, EXECUTED, CANCELLED, REJECTED, EXPIRED"] },
      ],
      ["/trades?from=yesterday", { from: ["must be a UTC time such as 2026-11-25T09:15:00Z"] }],
      ["/instruments/INFY/candles?limit=100000", { limit: ["must be a whole number from 1 to 5,000"] }],
      ["/instruments/INFY/candles?to=2026-13-01T00:00:00Z", { to: ["must be a UTC time such as 2026-11-25T09:15:00Z"] }],
      ["/instruments/INFY/candles?interval=2m", { interval: ["must be one of 1m, 5m, 15m, 30m, 1h, 1d"] }],
      [`/orders/${"x".repeat(65)}`, { orderId: ["is at most 64 characters"] }],
      [`/trades?cursor=${"c".repeat(201)}`, { cursor: ["is at most 200 characters"] }],
    ];
    for (const [path, fieldErrors] of cases) {
      const answer = await send("GET", path, "bob-key");
      expect({ path, status: answer.status, fieldErrors: answer.body.data?.fieldErrors }).toEqual({ path, status: 400, fieldErrors });
    }
    const fine = await send("GET", "/instruments/INFY/candles?limit=5000&from=2026-01-01T00:00:00Z", "bob-key");
    expect(fine.status).toBe(200);
    await t.client("admin-key").admin.setPrice.mutate({ symbol: "INFY", price: 1500, volume: 3 });
    const days = await send("GET", "/instruments/INFY/candles?interval=1d&limit=5", "bob-key");
    expect(days.status).toBe(200);
    expect(days.body).not.toHaveLength(0);
    for (const day of days.body as unknown as Array<{ time: string }>) expect(day.time).toMatch(/T18:30:00\.000Z$/);
  });

  it("shrugs off a client that goes away half-way through sending a body", async () => {
    const { hostname, port } = new URL(t.server.url);
    const socket = net.connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(
      `POST /api/v1/orders HTTP/1.1\r\nHost: ${hostname}\r\nx-api-key: bob-key\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"symbol":`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const funds = await send("GET", "/funds", "bob-key");
    expect(funds.status).toBe(200);
  });

  it("keeps users apart: another user's order answers not found, lists show only your own", async () => {
    const mine = await send("POST", "/orders", "alice-key", { symbol: "ITC", side: "BUY", type: "LIMIT", quantity: 1, price: 370 });
    const id = String(mine.body.orderId);
    expect((await send("GET", `/orders/${id}`, "bob-key")).status).toBe(404);
    expect((await send("POST", `/orders/${id}/cancel`, "bob-key", {})).status).toBe(404);
    expect((await send("POST", `/orders/${id}/modify`, "bob-key", { price: 371 })).status).toBe(404);
    const bobs = await send("GET", "/orders?limit=500", "bob-key");
    expect((bobs.body.items as Array<{ userId: string }>).every((o) => o.userId === "bob")).toBe(true);
    const bobTrades = await send("GET", "/trades?limit=500", "bob-key");
    expect(bobTrades.body.items).toEqual([]);
    expect((await send("GET", `/orders/${id}`, "alice-key")).body).toMatchObject({ state: "PLACED" });
  });

  it("sends rate-limit headers and 429 with Retry-After past the limit", async () => {
    const ok = await send("GET", "/me", "demo-key");
    expect(ok.headers.get("x-ratelimit-limit")).toBe("60");
    expect(Number(ok.headers.get("x-ratelimit-remaining"))).toBeLessThan(60);
    let limited: Awaited<ReturnType<typeof send>> | undefined;
    for (let i = 0; i < 80 && limited === undefined; i++) {
      const r = await send("GET", "/me", "demo-key");
      if (r.status === 429) limited = r;
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited?.headers.get("x-ratelimit-remaining")).toBe("0");
  });

  it("publishes an OpenAPI document and a self-contained docs page", async () => {
    const doc = (await (await fetch(`${api}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/instruments",
        "/instruments/{symbol}",
        "/orders",
        "/orders/{orderId}",
        "/orders/{orderId}/cancel",
        "/portfolio",
        "/trades",
      ]),
    );
    const page = await fetch(`${t.server.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    const html = await page.text();
    expect(html).toContain("/api/v1/orders/{orderId}/cancel");
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1|localhost)/);
  });

  it("answers health, readiness and Prometheus metrics", async () => {
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${t.server.url}/readyz`)).json()).toEqual({ ready: true, journal: "writable" });
    const metrics = await (await fetch(`${t.server.url}/metrics`)).text();
    expect(metrics).toContain("trading_orders_placed_total");
    expect(metrics).toContain("trading_http_request_seconds_bucket");
    expect(metrics).toContain("nodejs_eventloop_lag_p99_seconds");
    expect(metrics).toMatch(/trading_orders_rejected_total\{reason="INSUFFICIENT_FUNDS"\} \d+/);
  });
});

describe("REST inputs are exactly tRPC's", () => {
  // A server of its own, with room for the many requests these make.
  let t: TestServer;
  let api: string;
  beforeAll(async () => {
    t = await startTestServer();
    api = `${t.server.url}/api/v1`;
  });
  afterAll(async () => {
    await t.stop();
  });
  const send = async (method: "GET" | "POST", path: string, key: string, body?: unknown) => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: as(key),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { data?: Record<string, unknown> } };
  };
  const openOrders = async (key: string) =>
    ((await send("GET", "/orders?open=true&limit=500", key)).body.items as Array<{ orderId: string }>).map((o) => o.orderId);

  it("takes JSON numbers for numbers: a string, array, boolean or hex is refused as tRPC refuses it, and places nothing", async () => {
    const carol = t.client("demo-key");
    const base = { symbol: "INFY", side: "BUY", type: "LIMIT" };
    const bodies: Array<Record<string, unknown>> = [
      { ...base, quantity: "0x10", price: 1 },
      { ...base, quantity: "16", price: 1 },
      { ...base, quantity: "", price: 1 },
      { ...base, quantity: [16], price: 1 },
      { ...base, quantity: true, price: 1 },
      { ...base, quantity: null, price: 1 },
      { ...base, quantity: 16, price: "1" },
      { ...base, quantity: 16, price: "1e0" },
      { ...base, quantity: 16, price: [1] },
      { symbol: "INFY", side: "BUY", type: "SL_M", quantity: 1, triggerPrice: "99999" },
      { ...base, quantity: 16, price: 1400 },
    ];
    const before = await openOrders("demo-key");
    const answers: Array<{ body: unknown; rest: number; trpc: number }> = [];
    for (const body of bodies) {
      const rest = await send("POST", "/orders", "demo-key", body);
      const trpc = await carol.orders.place.mutate(body as never).then(
        () => 200,
        (error: { data?: { httpStatus?: number } }) => error.data?.httpStatus ?? 0,
      );
      answers.push({ body, rest: rest.status, trpc });
    }
    expect(answers).toEqual(
      bodies.map((body, i) => ({ body, rest: i === bodies.length - 1 ? 200 : 400, trpc: i === bodies.length - 1 ? 200 : 400 })),
    );
    const wrong = await send("POST", "/orders", "demo-key", { ...base, quantity: "0x10", price: 1 });
    expect(wrong.body.data?.fieldErrors).toEqual({ quantity: ["must be a number of shares"] });
    // Two placed: the valid body once over each surface.
    expect((await openOrders("demo-key")).length).toBe(before.length + 2);

    const [id] = await openOrders("demo-key");
    for (const change of [{ quantity: "5" }, { price: "2" }, { triggerPrice: "0x1" }, { quantity: false }]) {
      const modified = await send("POST", `/orders/${String(id)}/modify`, "demo-key", change);
      expect({ change, status: modified.status }).toEqual({ change, status: 400 });
    }
    expect((await send("GET", `/orders/${String(id)}`, "demo-key")).body).toMatchObject({ quantity: 16, price: 1400 });
  });

  it("answers a body that is not an object with 400 on every endpoint, and changes nothing", async () => {
    const resting = await send("POST", "/orders", "bob-key", { symbol: "ITC", side: "BUY", type: "LIMIT", quantity: 1, price: 370 });
    const id = String(resting.body.orderId);
    const before = await openOrders("bob-key");
    expect(before).toContain(id);
    const raw = (path: string, body: string) => fetch(`${api}${path}`, { method: "POST", headers: as("bob-key"), body });
    for (const body of ["[1,2,3]", '"cancel"', "5", "null", "true", "[]"]) {
      for (const path of ["/orders/cancel-all", "/orders", `/orders/${id}/cancel`, `/orders/${id}/modify`]) {
        const answer = await raw(path, body);
        const json = (await answer.json()) as { code: string; message: string };
        expect({ path, body, status: answer.status, code: json.code }).toEqual({ path, body, status: 400, code: "BAD_REQUEST" });
        expect(json.message).toBe("the request body must be a JSON object");
      }
    }
    expect(await openOrders("bob-key")).toEqual(before);
  });

  it("ignores query keys named after built-in object properties instead of failing", async () => {
    for (const path of ["/funds", "/orders", "/trades", "/instruments", "/portfolio", "/me", "/quotes", "/instruments/INFY/candles"]) {
      for (const key of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"]) {
        const separator = path.includes("?") ? "&" : "?";
        const answer = await send("GET", `${path}${separator}${key}=1`, "alice-key");
        expect({ path, key, status: answer.status }).toEqual({ path, key, status: 200 });
      }
    }
  });

  it("reads query numbers as decimal digits only", async () => {
    for (const limit of ["0x10", "1e1", "+5", " 5", "", "5.0", "Infinity"]) {
      const answer = await send("GET", `/orders?limit=${encodeURIComponent(limit)}`, "alice-key");
      expect({ limit, status: answer.status, fieldErrors: answer.body.data?.fieldErrors }).toEqual({
        limit,
        status: 400,
        fieldErrors: { limit: ["must be a whole number from 1 to 500"] },
      });
    }
    const fine = await send("GET", "/orders?limit=016", "alice-key");
    expect(fine.status).toBe(200);
  });

  it("answers a body nested too deep with 400 before anything recurses into it, as tRPC does", async () => {
    const deep = `{"symbol":${"[".repeat(5_000)}${"]".repeat(5_000)}}`;
    const rest = await fetch(`${api}/orders`, { method: "POST", headers: as("bob-key"), body: deep });
    expect(rest.status).toBe(400);
    expect(((await rest.json()) as { message: string }).message).toMatch(/nested more than \d+ levels deep/);
    const trpc = await fetch(`${t.server.url}/trpc/orders.place`, { method: "POST", headers: as("bob-key"), body: deep });
    expect(trpc.status).toBe(400);
  });

  it("refuses a JSON body in a charset other than UTF-8 with 415, on REST and tRPC alike", async () => {
    const body = JSON.stringify({ symbol: "ITC", side: "BUY", type: "LIMIT", quantity: 1, price: 370 });
    const before = await openOrders("bob-key");
    for (const charset of ["utf-16", "latin1", "UTF-16LE"]) {
      const headers = { "x-api-key": "bob-key", "content-type": `application/json; charset=${charset}` };
      const rest = await fetch(`${api}/orders`, { method: "POST", headers, body });
      expect({ charset, status: rest.status }).toEqual({ charset, status: 415 });
      expect(((await rest.json()) as { message: string }).message).toContain("UTF-8");
      const trpc = await fetch(`${t.server.url}/trpc/orders.place`, { method: "POST", headers, body });
      expect({ charset, status: trpc.status }).toEqual({ charset, status: 415 });
    }
    expect(await openOrders("bob-key")).toEqual(before);
    const utf8 = await fetch(`${api}/orders`, {
      method: "POST",
      headers: { "x-api-key": "bob-key", "content-type": "application/json; charset=UTF-8" },
      body,
    });
    expect(utf8.status).toBe(200);
  });
});
