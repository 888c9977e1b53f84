import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// In development Vite serves the app and forwards API calls (HTTP and WebSocket) to the server.
const api = process.env.TRADE_API_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { "/trpc": { target: api, ws: true } },
  },
  build: { outDir: "dist", sourcemap: true },
  test: { include: ["src/**/*.test.ts", "src/**/*.test.tsx", "e2e/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 },
});
