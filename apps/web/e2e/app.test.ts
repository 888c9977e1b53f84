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
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function login(demo: "Demo user" | "Alice" | "Bob"): Promise<Page> {
      const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
      await page.goto(url);
      await page.getByRole("button", { name: demo }).click();
      await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 10_000 });
      return page;
    }

    it("logs in with a demo button and shows live prices moving in the watchlist", async () => {
      const page = await login("Demo user");
      const row = page.locator('[data-symbol="RELIANCE"] .ltp');
      const first = await row.textContent();
      await expect.poll(async () => row.textContent(), { timeout: 10_000 }).not.toBe(first);
      await page.screenshot({ path: path.join(artifacts, "dashboard.png") });
      await page.close();
    }, 30_000);

    it("buys at the market: a fill toast and a holding with P&L", async () => {
      const page = await login("Alice");
      await page.locator('[data-symbol="INFY"]').click();
      await page.getByLabel("Quantity").fill("3");
      await page.getByRole("button", { name: "BUY INFY" }).click();
      await page.getByRole("log").getByText(/BUY 3 INFY filled at ₹/).waitFor({ timeout: 10_000 });
      await page.getByRole("tab", { name: "Holdings" }).click();
      const holding = page.locator('[data-holding="INFY"]');
      await holding.waitFor({ timeout: 10_000 });
      expect(await holding.textContent()).toContain("INFY3");
      await page.screenshot({ path: path.join(artifacts, "holdings.png") });
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
      await page.getByRole("alert").filter({ hasText: /needs ₹.* but only ₹.* is available/ }).first().waitFor({ timeout: 10_000 });
      await page.screenshot({ path: path.join(artifacts, "rejection.png") });
      await page.close();
    }, 30_000);

    it("rests a LIMIT order, modifies it and cancels it", async () => {
      const page = await login("Demo user");
      await page.locator('[data-symbol="TCS"]').click();
      await page.getByLabel("Type").selectOption("LIMIT");
      await page.getByLabel("Quantity").fill("2");
      await page.getByLabel("Price (₹)").fill("2500");
      await page.getByRole("button", { name: "BUY TCS" }).click();
      const row = page.locator("tr[data-order]").filter({ hasText: "TCS" }).first();
      await row.waitFor({ timeout: 10_000 });
      expect(await row.textContent()).toContain("PLACED");
      await row.getByRole("button", { name: "Modify" }).click();
      await row.getByLabel("New price").fill("2501.5");
      await row.getByRole("button", { name: "Save" }).click();
      await expect.poll(async () => row.textContent(), { timeout: 10_000 }).toContain("₹2,501.50");
      await page.screenshot({ path: path.join(artifacts, "open-orders.png") });
      await row.getByRole("button", { name: "Cancel" }).click();
      await page.getByRole("log").getByText(/cancelled/).waitFor({ timeout: 10_000 });
      await page.getByText("No open orders").waitFor({ timeout: 10_000 });
      await page.close();
    }, 30_000);

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
      await bob.getByRole("tab", { name: "Holdings" }).click();
      await bob.getByText("No holdings").waitFor({ timeout: 10_000 });
      await alice.close();
      await bob.close();
    }, 30_000);

    it("works at phone width", async () => {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await page.goto(url);
      await page.getByRole("button", { name: "Alice" }).click();
      await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 10_000 });
      await page.getByRole("button", { name: /^BUY/ }).waitFor();
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
