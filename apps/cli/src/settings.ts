// Where the CLI keeps its server URL and API key: a user config file readable by the user only.
// TRADE_API_URL and TRADE_API_KEY override it; TRADE_CONFIG moves it (tests use that).
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface Settings {
  url: string;
  apiKey: string;
}

export const DEFAULT_URL = "http://127.0.0.1:3000";

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRADE_CONFIG !== undefined && env.TRADE_CONFIG !== "") return env.TRADE_CONFIG;
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== "" ? env.XDG_CONFIG_HOME : path.join(os.homedir(), ".config");
  return path.join(base, "trade", "config.json");
}

/**
 * What the config file holds; `problem` says why nothing could be used from a file that exists
 * (so that "no API key" can say the file is damaged rather than suggest a login never happened).
 */
export function readSaved(env: NodeJS.ProcessEnv = process.env): Partial<Settings> & { problem?: string } {
  const file = configPath(env);
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return { problem: `the config file ${file} could not be read as JSON (${(error as Error).message})` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return { problem: `the config file ${file} does not hold settings` };
  const { url, apiKey } = parsed as Record<string, unknown>;
  return { ...(typeof url === "string" ? { url } : {}), ...(typeof apiKey === "string" ? { apiKey } : {}) };
}

/** The settings in force: environment over the saved file over the default URL. */
export function currentSettings(env: NodeJS.ProcessEnv = process.env): {
  url: string;
  apiKey: string | undefined;
  problem: string | undefined;
} {
  const saved = readSaved(env);
  return {
    url: env.TRADE_API_URL !== undefined && env.TRADE_API_URL !== "" ? env.TRADE_API_URL : (saved.url ?? DEFAULT_URL),
    apiKey: env.TRADE_API_KEY !== undefined && env.TRADE_API_KEY !== "" ? env.TRADE_API_KEY : saved.apiKey,
    problem: saved.problem,
  };
}

export function save(settings: Settings, env: NodeJS.ProcessEnv = process.env): string {
  const file = configPath(env);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // also when the file existed with wider permissions
  return file;
}

export function forget(env: NodeJS.ProcessEnv = process.env): boolean {
  const file = configPath(env);
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}
