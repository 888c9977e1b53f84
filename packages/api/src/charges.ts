// The rates the server's market charges at (CHARGES): India's, as the engine's table has them, or none.
import { DEFAULT_CHARGE_RATES, type ChargeRates } from "@trading/engine";
import type { Config } from "./config.js";

export function chargeRatesOf(config: Pick<Config, "charges">): ChargeRates | null {
  return config.charges === "india" ? DEFAULT_CHARGE_RATES : null;
}
