import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("configuration", () => {
  it("has documented defaults", () => {
    expect(loadConfig([], {})).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      dataDir: "./data",
      demoUsers: true,
      feedTicksPerSecond: 2,
      logLevel: "info",
    });
  });

  it("reads environment variables, and flags win over them", () => {
    const config = loadConfig(["--port", "4000", "--data-dir=/tmp/x", "--no-demo-users"], {
      PORT: "5000",
      LOG_LEVEL: "warn",
      DEMO_USERS: "true",
      RATE_LIMIT_BURST: "9",
    });
    expect(config).toMatchObject({ port: 4000, dataDir: "/tmp/x", demoUsers: false, logLevel: "warn", rateLimitBurst: 9 });
  });

  it("refuses unknown flags and bad values with the variable's name", () => {
    expect(() => loadConfig(["--prot", "1"], {})).toThrow(ConfigError);
    expect(() => loadConfig([], { PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig([], { LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig(["--port"], {})).toThrow(/needs a value/);
  });
});
