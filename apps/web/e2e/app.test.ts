// End to end in a real headless Chromium against a real server serving the built app. Needs
// Debian's chromium (/usr/bin/chromium, installed by .ci/run); without it the suite says so.
import { spawnServer, type ServerProcess } from "@trading/api/spawn";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const webDir = fileURLToPath(new URL("../dist", import.meta.url));
const artifacts = fileURLToPath(new URL("../test-artifacts", import.meta.url));
const available = existsSync(CHROMIUM);

if (!available) {
  describe("web app in Chromium", () => {
    it.skip(`not run: no Chromium at ${CHROMIUM} (.ci/run installs Debian's chromium)`, () => undefined);
  });
} else {
  describe("web app in Chromium", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "trade-web-"));
    let server: ServerProcess;
    let url = "";
    let browser: Browser;

    beforeAll(async () => {
      mkdirSync(artifacts, { recursive: true });
      server = await spawnServer({ args: ["--data-dir", dataDir, "--feed-ticks-per-second", "4", "--web-dir", webDir] });
      url = server.url;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
        ],
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** Logs in; `problems`, when given, collects failed requests and uncaught page errors from the first request on. */
    async function login(demo: "Demo user" | "Alice" | "Bob", problems?: string[]): Promise<Page> {
      const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
      if (problems !== undefined) {
        page.on("response", (response) => {
          if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
        });
        page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      }
      await page.goto(url);
      await page.getByRole("button", { name: demo }).click();
      await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 10_000 });
      return page;
    }

    it("logs in with a demo button and shows live prices moving in the watchlist, with no failed request or page error", async () => {
      const problems: string[] = [];
      const page = await login("Demo user", problems);
      const row = page.locator('[data-symbol="RELIANCE"] .ltp');
      const first = await row.textContent();
      await expect.poll(async () => row.textContent(), { timeout: 10_000 }).not.toBe(first);
      expect(problems).toEqual([]);
      await page.screenshot({ path: path.join(artifacts, "dashboard.png") });
      await page.close();
    }, 30_000);

    it("buys at the market: a fill toast and a holding with P&L", async () => {
      const page = await login("Alice");
      await page.locator('[data-symbol="INFY"]').click();
      await page.getByLabel("Quantity").fill("3");
      await page.getByRole("button", { name: "BUY INFY" }).click();
      await page
        .getByRole("log")
        .getByText(/BUY 3 INFY filled at ₹/)
        .waitFor({ timeout: 10_000 });
      await page.getByRole("tab", { name: "Holdings" }).click();
      const holding = page.locator('[data-holding="INFY"]');
      await holding.waitFor({ timeout: 10_000 });
      expect(await holding.textContent()).toContain("INFY3");
      // The fill is marked on the chart and listed under Trades without a reload.
      await page.getByText("1 of your fills marked").waitFor({ timeout: 10_000 });
      await page.screenshot({ path: path.join(artifacts, "holdings.png") });
      await page.getByRole("tab", { name: "Trades" }).click();
      const fills = page.locator("tr[data-trade]").filter({ hasText: "INFY" });
      await fills.first().waitFor({ timeout: 10_000 });
      expect(await fills.count()).toBe(1);
      await page.close();
    }, 30_000);

    it("sells short intraday from the ticket, with its margin, and shows the position and the margin used", async () => {
      const page = await login("Demo user");
      await page.locator('[data-symbol="TCS"]').click();
      await page.getByRole("radio", { name: "SELL" }).click();
      await page.getByRole("radio", { name: /Intraday/ }).click();
      await page.getByLabel("Quantity").fill("2");
      await expect.poll(() => page.locator("[data-margin]").textContent(), { timeout: 10_000 }).toMatch(/^₹[\d,]+\.\d\d$/);
      await page.getByRole("button", { name: "SELL TCS" }).click();
      await page
        .getByRole("log")
        .getByText(/SELL 2 TCS filled at ₹/)
        .waitFor({ timeout: 10_000 });
      await page.getByRole("tab", { name: "Positions" }).click();
      const row = page.locator('[data-position="MIS:TCS"]');
      await row.waitFor({ timeout: 10_000 });
      expect(await row.textContent()).toMatch(/^TCSMIS-2/);
      await page.screenshot({ path: path.join(artifacts, "positions.png") });
      await page.getByRole("tab", { name: "Funds" }).click();
      const margin = page.getByRole("row", { name: /Margin used/ });
      await expect.poll(() => margin.textContent(), { timeout: 10_000 }).not.toContain("₹0.00");
      await page.close();
    }, 30_000);

    it("switches the chart between candle intervals on the Indian clock, and remembers the choice", async () => {
      const page = await login("Bob");
      const chart = page.locator(".chart-box");
      await expect.poll(async () => Number(await chart.getAttribute("data-candles")), { timeout: 10_000 }).toBeGreaterThan(0);
      const asked: string[] = [];
      page.on("request", (request) => {
        if (request.url().includes("market.candles")) asked.push(decodeURIComponent(request.url()));
      });
      await page.getByRole("button", { name: "1 day", exact: true }).click();
      await expect.poll(async () => chart.getAttribute("data-interval")).toBe("1d");
      await page.getByText("1 day candles, times in IST").waitFor();
      // The label changes with the click; the request follows on a later render.
      await expect.poll(() => asked.some((u) => u.includes('"interval":"1d"'))).toBe(true);
      // Today's candle, starting at midnight IST (labelled as the chart labels it).
      const today = new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Kolkata" });
      await expect.poll(async () => chart.getAttribute("data-last-candle"), { timeout: 10_000 }).toBe(`${today}T00:00:00.000Z`);
      await page.getByRole("button", { name: "1 hour", exact: true }).click();
      await expect.poll(async () => chart.getAttribute("data-last-candle"), { timeout: 10_000 }).toMatch(/T\d\d:00:00\.000Z$/);
      expect(await page.getByRole("button", { name: "1 hour", exact: true }).getAttribute("aria-pressed")).toBe("true");
      await page.screenshot({ path: path.join(artifacts, "chart-hours.png") });
      await page.reload();
      await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 10_000 });
      await expect.poll(async () => page.locator(".chart-box").getAttribute("data-interval")).toBe("1h");
      expect(await page.getByRole("button", { name: "1 hour", exact: true }).getAttribute("aria-pressed")).toBe("true");
      await page.close();
    }, 30_000);

    it("shows inline validation from the shared schema and a server rejection's reason", async () => {
      const page = await login("Bob");
      await page.getByLabel("Type").selectOption("LIMIT");
      await page.getByLabel("Quantity").fill("1.5");
      await page.getByLabel("Price (₹)").fill("10.001");
      await page.getByRole("button", { name: /^BUY/ }).click();
      await page.getByText("must be a whole number of shares").waitFor();
      await page.getByText("must have at most two decimals (whole paise)").waitFor();
      await page.screenshot({ path: path.join(artifacts, "validation.png") });
      await page.getByLabel("Type").selectOption("MARKET");
      await page.locator('[data-symbol="MARUTI"]').click();
      await page.getByLabel("Quantity").fill("1000");
      await page.getByRole("button", { name: "BUY MARUTI" }).click();
      await page
        .getByRole("alert")
        .filter({ hasText: /needs ₹.* but only ₹.* is available/ })
        .first()
        .waitFor({ timeout: 10_000 });
      await page.screenshot({ path: path.join(artifacts, "rejection.png") });
      await page.close();
    }, 30_000);

    it("rests a LIMIT order, modifies it and cancels it", async () => {
      const page = await login("Demo user");
      await page.locator('[data-symbol="TCS"]').click();
      await page.getByLabel("Type").selectOption("LIMIT");
      await page.getByLabel("Quantity").fill("2");
      await page.getByLabel("Price (₹)").fill("2800");
      await page.getByRole("button", { name: "BUY TCS" }).click();
      const row = page.locator("tr[data-order]").filter({ hasText: "TCS" }).first();
      await row.waitFor({ timeout: 10_000 });
      expect(await row.textContent()).toContain("PLACED");
      await row.getByRole("button", { name: "Modify" }).click();
      await row.getByLabel("New price").fill("2801.5");
      await row.getByRole("button", { name: "Save" }).click();
      await expect.poll(async () => row.textContent(), { timeout: 10_000 }).toContain("₹2,801.50");
      await page.screenshot({ path: path.join(artifacts, "open-orders.png") });
      await row.getByRole("button", { name: "Cancel" }).click();
      await page
        .getByRole("log")
        .getByText(/cancelled/)
        .waitFor({ timeout: 10_000 });
      await page.getByText("No open orders").waitFor({ timeout: 10_000 });
      await page.close();
    }, 30_000);

    it("filters the order history and opens an order's states and fills", async () => {
      const page = await login("Demo user");
      await page.locator('[data-symbol="ITC"]').click();
      await page.getByLabel("Quantity").fill("4");
      await page.getByRole("button", { name: "BUY ITC" }).click();
      await page
        .getByRole("log")
        .getByText(/BUY 4 ITC filled/)
        .waitFor({ timeout: 10_000 });
      await page.locator('[data-symbol="LT"]').click();
      await page.getByLabel("Type").selectOption("LIMIT");
      await page.getByLabel("Quantity").fill("1");
      await page.getByLabel("Price (₹)").fill("3600");
      await page.getByRole("button", { name: "BUY LT" }).click();
      const isLt = { has: page.locator("td:nth-child(4)", { hasText: /^LT$/ }) };
      const resting = page.locator("tr[data-order]").filter(isLt).first();
      await resting.getByRole("button", { name: "Cancel" }).click();
      await page.getByText("No open orders").waitFor({ timeout: 10_000 });

      await page.getByRole("tab", { name: "Order history" }).click();
      const rows = page.getByRole("tabpanel").locator("tr[data-order]");
      await rows.filter({ hasText: "ITC" }).first().waitFor({ timeout: 10_000 });
      await page.getByLabel("Status").selectOption("Cancelled");
      await rows.filter(isLt).first().waitFor({ timeout: 10_000 });
      const onlyCancelled = async () => {
        const texts = await rows.allTextContents();
        return texts.length > 0 && texts.every((t) => t.includes("CANCELLED"));
      };
      await expect.poll(onlyCancelled, { timeout: 10_000 }).toBe(true);
      await page.getByLabel("Status").selectOption("Executed");
      await page.getByLabel("Symbol").selectOption("ITC");
      const onlyExecutedItc = async () => {
        const texts = await rows.allTextContents();
        return texts.length > 0 && texts.every((t) => t.includes("ITC") && t.includes("EXECUTED"));
      };
      await expect.poll(onlyExecutedItc, { timeout: 10_000 }).toBe(true);
      await page.getByLabel("Symbol").selectOption("SBIN");
      await page.getByText("No orders match these filters.").waitFor({ timeout: 10_000 });
      await page.getByRole("button", { name: "Clear filters" }).click();
      const itc = rows.filter({ hasText: "ITC" }).first();
      await itc.getByRole("button", { name: /Details/ }).click();
      await page.locator(".order-detail").getByText("EXECUTED").waitFor({ timeout: 10_000 });
      await page
        .locator(".order-detail")
        .getByText(/^.*4 @ ₹/)
        .waitFor();
      await page.screenshot({ path: path.join(artifacts, "order-history.png") });
      await page.close();
    }, 45_000);

    it("can be used from the keyboard alone", async () => {
      const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
      await page.goto(url);
      // Log in: the key field has focus; Tab moves past the disabled submit to the demo buttons.
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("api-key");
      await page.keyboard.press("Tab");
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Demo user");
      await page.keyboard.press("Enter");
      await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 10_000 });
      // "/" searches; Enter picks the first match (once the instruments have loaded: the socket can
      // be live before they are, and Enter on an empty list picks nothing).
      await page.getByRole("list", { name: "Instruments" }).getByRole("button").first().waitFor({ timeout: 10_000 });
      await page.keyboard.press("/");
      await page.keyboard.type("wipro");
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { name: /^WIPRO/ }).waitFor();
      // Arrow keys move along the watchlist (the search still filters it to WIPRO; clear it first).
      await page.keyboard.press("/");
      await page.keyboard.press("Escape");
      await page.keyboard.press("Tab");
      await page.keyboard.press("ArrowDown");
      const next = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.symbol ?? "");
      expect(next).not.toBe("WIPRO");
      await page.getByRole("heading", { name: new RegExp(`^${next}`) }).waitFor();
      // "s" then "b" open the ticket on that side with the quantity selected (Escape goes back to
      // the watchlist); Enter sends it.
      await page.keyboard.press("s");
      await page.getByRole("button", { name: `SELL ${next}` }).waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("ticket-quantity");
      await page.keyboard.press("Escape");
      expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.symbol)).toBe(next);
      await page.keyboard.press("b");
      // The ticket takes the focus on the next render; type once it has it.
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("ticket-quantity");
      await page.keyboard.type("2");
      await page.keyboard.press("Enter");
      await page
        .getByRole("log")
        .getByText(new RegExp(`BUY 2 ${next} filled`))
        .waitFor({ timeout: 10_000 });
      // The tabs answer arrow keys.
      await page.getByRole("tab", { name: "Open orders" }).focus();
      for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
      await page.getByRole("tab", { name: "Holdings", selected: true }).waitFor();
      await page.locator(`[data-holding="${next}"]`).waitFor({ timeout: 10_000 });
      await page.screenshot({ path: path.join(artifacts, "keyboard.png") });
      await page.close();
    }, 45_000);

    it("misses no fill while its socket is down: reconnects and resumes", async () => {
      let down = false;
      const open = new Set<{ close: () => Promise<void> }>();
      const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
      // Every WebSocket of the page goes through here, so the test can cut it and refuse reconnects.
      await page.routeWebSocket(/\/trpc/, (ws) => {
        if (down) {
          // Refuse it as a dropped connection: once the page has seen it open (its first message),
          // close it. (Closing the stand-in socket before it opens can leave it without the error
          // event a real failed connection fires, which no browser client would expect.)
          ws.onMessage(() => void ws.close({ code: 4000, reason: "network down" }));
          return;
        }
        const server = ws.connectToServer();
        open.add({
          close: async () => {
            await ws.close({ code: 4000, reason: "network down" });
            await server.close();
          },
        });
      });
      await page.goto(url);
      await page.getByRole("button", { name: "Bob" }).click();
      await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 10_000 });

      const quote = await trpcCall("instruments.get", "bob-key", { symbol: "HINDUNILVR" }, "GET");
      const limit = Math.ceil((quote.lastTradedPrice as number) * 0.92);
      await page.locator('[data-symbol="HINDUNILVR"]').click();
      await page.getByLabel("Type").selectOption("LIMIT");
      await page.getByLabel("Quantity").fill("1");
      await page.getByLabel("Price (₹)").fill(String(limit));
      await page.getByRole("button", { name: "BUY HINDUNILVR" }).click();
      await page.locator("tr[data-order]").filter({ hasText: "HINDUNILVR" }).first().waitFor({ timeout: 10_000 });

      down = true;
      for (const socket of open) await socket.close();
      await page.getByRole("status").filter({ hasText: "Reconnecting" }).waitFor({ timeout: 10_000 });
      // While the browser is cut off, the market falls through the limit and the order fills.
      await trpcCall("admin.setPrice", "admin-key", { symbol: "HINDUNILVR", price: limit - 1 }, "POST");
      const orders = await trpcCall("orders.list", "bob-key", { symbol: "HINDUNILVR" }, "GET");
      expect((orders.items as Array<{ state: string }>)[0]?.state).toBe("EXECUTED");
      expect(
        await page
          .getByRole("log")
          .getByText(/HINDUNILVR filled/)
          .count(),
      ).toBe(0);

      down = false;
      // The fill arrives from the resumed stream: its toast, and the order leaves the open list.
      await page
        .getByRole("log")
        .getByText(/BUY 1 HINDUNILVR filled/)
        .waitFor({ timeout: 20_000 });
      await page.getByText("No open orders").waitFor({ timeout: 10_000 });
      await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 10_000 });
      await page.close();
    }, 45_000);

    it("returns to the login screen, saying why, when its key is revoked", async () => {
      const { keyId, apiKey } = await trpcCall("admin.createKey", "admin-key", { userId: "alice", label: "browser" }, "POST");
      const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
      await page.goto(url);
      await page.getByLabel("API key").fill(String(apiKey));
      await page.getByRole("button", { name: "Log in", exact: true }).click();
      await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 10_000 });
      await trpcCall("admin.revokeKey", "admin-key", { keyId }, "POST");
      await page.getByRole("alert").filter({ hasText: "no longer accepted" }).waitFor({ timeout: 10_000 });
      await page.getByLabel("API key").waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem("trade.apiKey"))).toBeNull();
      await page.close();
    }, 30_000);

    /** Calls a procedure over plain HTTP, as any other service would. */
    async function trpcCall(procedure: string, apiKey: string, input: unknown, method: "GET" | "POST"): Promise<Record<string, unknown>> {
      const target =
        method === "GET" ? `${url}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}` : `${url}/trpc/${procedure}`;
      const response = await fetch(target, {
        method,
        headers: { "x-api-key": apiKey, "content-type": "application/json" },
        ...(method === "POST" ? { body: JSON.stringify(input) } : {}),
      });
      const body = (await response.json()) as { result?: { data: Record<string, unknown> }; error?: unknown };
      if (body.result === undefined) throw new Error(`${procedure} failed: ${JSON.stringify(body.error)}`);
      return body.result.data;
    }

    it("keeps two users apart", async () => {
      const alice = await login("Alice");
      const bob = await login("Bob");
      await bob.locator('[data-symbol="SBIN"]').click();
      await bob.getByLabel("Type").selectOption("LIMIT");
      await bob.getByLabel("Quantity").fill("1");
      await bob.getByLabel("Price (₹)").fill("800");
      await bob.getByRole("button", { name: "BUY SBIN" }).click();
      await bob.locator("tr[data-order]").filter({ hasText: "SBIN" }).first().waitFor({ timeout: 10_000 });
      await alice.reload();
      await alice.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 10_000 });
      await alice.getByRole("tab", { name: "Order history" }).click();
      await alice.getByRole("tabpanel").locator("tr[data-order], p").first().waitFor({ timeout: 10_000 });
      expect(await alice.locator("tr[data-order]").filter({ hasText: "SBIN" }).count()).toBe(0);
      // Alice bought INFY earlier; Bob's holdings (whatever he holds) never show it.
      await bob.getByRole("tab", { name: "Holdings" }).click();
      await bob.getByRole("tabpanel").locator("tr[data-holding], p").first().waitFor({ timeout: 10_000 });
      expect(await bob.locator('[data-holding="INFY"]').count()).toBe(0);
      await alice.close();
      await bob.close();
    }, 30_000);

    it("works at phone width", async () => {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await page.goto(url);
      await page.getByRole("button", { name: "Alice" }).click();
      await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 10_000 });
      // The layout holds still while prices tick (a chart in an auto-height row once grew without
      // end), so the ticket's button can be tapped.
      const chartHeight = () => page.locator("section.chart").evaluate((e) => e.getBoundingClientRect().height);
      const first = await chartHeight();
      await page.waitForTimeout(600);
      expect(await chartHeight()).toBe(first);
      await page.getByRole("button", { name: /^BUY/ }).click();
      await page
        .getByRole("log")
        .getByText(/filled at/)
        .waitFor({ timeout: 10_000 });
      await page.screenshot({ path: path.join(artifacts, "phone.png"), fullPage: true });
      await page.close();
    }, 30_000);

    it("keeps working after a reload", async () => {
      const page = await login("Alice");
      await page.reload();
      await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 10_000 });
      await page.getByRole("tab", { name: "Holdings" }).click();
      await page.locator('[data-holding="INFY"]').waitFor({ timeout: 10_000 });
      await page.close();
    }, 30_000);
  });
}
