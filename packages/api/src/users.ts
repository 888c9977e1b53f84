// The users a server makes sure of at every start: the demo users (unless DEMO_USERS is off) and
// the admin whose key is configured (ADMIN_API_KEY), each with a trading account. Idempotent, so
// several servers of a cluster may run it at once.
import { rupeesToPaise } from "@trading/engine";
import type { AccountReader } from "./accounts.js";
import { DEMO_ADMIN, DEMO_USERS, type KeyRing } from "./auth.js";
import type { Config } from "./config.js";
import type { Platform } from "./platform.js";

export async function ensureConfiguredUsers(
  config: Config,
  keys: KeyRing,
  accounts: AccountReader,
  submit: Platform["submit"],
): Promise<void> {
  // The configuration checked that the amount is whole paise.
  const cash = rupeesToPaise(config.startingCash) as number;
  const ensureUser = async (userId: string, displayName: string, isAdmin: boolean) => {
    if (keys.user(userId) === undefined) await keys.addUser({ userId, displayName, isAdmin, createdAt: Date.now() });
    if ((await accounts.funds(userId)) === undefined) await submit({ kind: "openAccount", userId, cash });
  };
  if (config.demoUsers) {
    for (const demo of [...DEMO_USERS, DEMO_ADMIN]) {
      await ensureUser(demo.userId, demo.displayName, demo.isAdmin);
      if (!keys.hasKey(demo.key)) await keys.addKey(demo.userId, "demo", demo.key);
    }
  }
  if (config.adminApiKey !== undefined) {
    await ensureUser(DEMO_ADMIN.userId, DEMO_ADMIN.displayName, true);
    if (!keys.hasKey(config.adminApiKey)) await keys.addKey(DEMO_ADMIN.userId, "configured admin key", config.adminApiKey);
  }
}
