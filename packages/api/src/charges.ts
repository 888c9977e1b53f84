// The rates the server's market charges at: CHARGES picks India's table (the engine's, with each
// rate's source) or none, and CHARGE_RATES may override any of its rates, as JSON in the table's
// own units: rupees per crore of turnover for percentages (0.03 % is 300), paise for amounts
// (a ₹20 cap is 2000), e.g. a plan with free intraday brokerage:
//   CHARGE_RATES='{"effective":"2026-12-01","brokerage":{"MIS":{"perCrore":0,"capPerOrder":null}}}'
import { DEFAULT_CHARGE_RATES, type ChargeRates } from "@trading/engine";
import { z } from "zod";
import type { Config } from "./config.js";

/** At most 10 % of turnover: a rate beyond it is a typo (a percentage written as rupees per crore or the reverse). */
const perCrore = z.number().int("must be whole rupees per crore").min(0).max(1_000_000, "is at most 1000000 (10 %)");
const paise = z.number().int("must be whole paise").min(0).max(1_000_000_00);
const byProduct = <T extends z.ZodType>(rate: T) => z.strictObject({ CNC: rate.optional(), MIS: rate.optional() });
const byExchange = z.strictObject({ NSE: perCrore.optional(), BSE: perCrore.optional() });

export const chargeRatesOverrideSchema = z.strictObject({
  effective: z.iso.date("must be a date, YYYY-MM-DD").optional(),
  brokerage: byProduct(z.strictObject({ perCrore, capPerOrder: paise.nullable() })).optional(),
  stt: byProduct(z.strictObject({ buy: perCrore, sell: perCrore })).optional(),
  exchange: byExchange.optional(),
  ipft: byExchange.optional(),
  sebi: perCrore.optional(),
  stampDuty: byProduct(perCrore).optional(),
  gstPercent: z.number().min(0).max(100).optional(),
  dpPerScrip: paise.optional(),
  squareOffFee: paise.optional(),
});

export type ChargeRatesOverride = z.infer<typeof chargeRatesOverrideSchema>;

/** CHARGE_RATES as text: JSON that the override schema takes. */
export const chargeRatesText = z.string().superRefine((text, ctx) => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: "custom", message: "must be a JSON object of rates (see the operations guide)" });
    return;
  }
  const parsed = chargeRatesOverrideSchema.safeParse(value);
  if (!parsed.success)
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: `${issue.path.join(".")}: ${issue.message}` });
});

export function chargeRatesOf(config: Pick<Config, "charges" | "chargeRates">): ChargeRates | null {
  if (config.charges === "none") return null;
  if (config.chargeRates === undefined) return DEFAULT_CHARGE_RATES;
  return withOverrides(DEFAULT_CHARGE_RATES, chargeRatesOverrideSchema.parse(JSON.parse(config.chargeRates)));
}

/** The table with each rate the override gives in place of its own. */
function withOverrides(base: ChargeRates, o: ChargeRatesOverride): ChargeRates {
  return {
    effective: o.effective ?? base.effective,
    brokerage: { CNC: o.brokerage?.CNC ?? base.brokerage.CNC, MIS: o.brokerage?.MIS ?? base.brokerage.MIS },
    stt: { CNC: o.stt?.CNC ?? base.stt.CNC, MIS: o.stt?.MIS ?? base.stt.MIS },
    exchange: { NSE: o.exchange?.NSE ?? base.exchange.NSE, BSE: o.exchange?.BSE ?? base.exchange.BSE },
    ipft: { NSE: o.ipft?.NSE ?? base.ipft.NSE, BSE: o.ipft?.BSE ?? base.ipft.BSE },
    sebi: o.sebi ?? base.sebi,
    stampDuty: { CNC: o.stampDuty?.CNC ?? base.stampDuty.CNC, MIS: o.stampDuty?.MIS ?? base.stampDuty.MIS },
    gstPercent: o.gstPercent ?? base.gstPercent,
    dpPerScrip: o.dpPerScrip ?? base.dpPerScrip,
    squareOffFee: o.squareOffFee ?? base.squareOffFee,
  };
}
