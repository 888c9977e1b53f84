// The rates of every charge a trade bears, in one table, each with the date it took effect and
// where it comes from. Rates are rupees per crore (₹1 crore = 1,00,00,000) of turnover, so every
// one is a whole number: 0.1 % is ₹10,000 per crore. A deployment may replace the table (see
// the API's configuration); the engine takes it as a command, so a replay charges as the day did.
//
// Sources, as checked in December 2026:
// - Brokerage: the plan of a discount broker (Zerodha's published charges): delivery free;
//   intraday the lower of 0.03 % and ₹20 per executed order.
// - STT: Securities Transaction Tax (Finance Act 2004, Chapter VII, rates as amended): delivery
//   0.1 % on buy and sell; intraday 0.025 % on the sell side. Brokers round it to the nearest rupee
//   on the contract note (Zerodha's charges list; its calculator does the same, e.g. a ₹2.525 STT
//   shown as ₹3 in tradingqna.com/t/stt-zerodha-brokerage-calculator/21903).
// - Exchange transaction charges, uniform for every member since SEBI's "true to label" circular
//   of 1 July 2024: NSE ₹2.97 per lakh (0.00297 %), BSE ₹3.75 per lakh (0.00375 %) of the traded
//   value in the cash market, effective 1 October 2024 (NSE and BSE circulars of 27 September 2024).
//   NSE's Investor Protection Fund Trust contribution, ₹10 per crore in cash equities since
//   1 April 2023 (NSE's circular on transaction charges of March 2023), is charged apart from it.
// - SEBI turnover fee: ₹10 per crore (SEBI (Intermediaries) fee schedule, as brokers list it).
// - Stamp duty on the buy side (Indian Stamp Act, 1899, as amended by the Finance Act 2019,
//   effective 1 July 2020): delivery 0.015 %, intraday 0.003 %.
// - GST: 18 % on brokerage, exchange transaction charges, the IPFT contribution and SEBI's fee
//   (and on DP charges and the square-off fee).
// - DP charges on delivery sells: ₹13.50 per scrip per day (CDSL's and the broker's, as Zerodha's
//   support pages list it; one of its newer pages says ₹13, the main charges page ₹13.50: this
//   table takes ₹13.50) plus GST.
// - Auto square-off of an intraday position by the broker: ₹50 per order plus GST.
import type { Paise } from "../money.js";

export const PRODUCTS = ["CNC", "MIS"] as const;
/** CNC: delivery (paid in full, held); MIS: intraday (on margin, squared off the same day). */
export type Product = (typeof PRODUCTS)[number];

/** Rupees per crore of turnover. */
export type PerCrore = number;

export interface ChargeRates {
  /** When this table took effect (ISO date), for the contract note. */
  effective: string;
  brokerage: Record<Product, { perCrore: PerCrore; capPerOrder: Paise | null }>;
  stt: Record<Product, { buy: PerCrore; sell: PerCrore }>;
  exchange: { NSE: PerCrore; BSE: PerCrore };
  /** The NSE Investor Protection Fund Trust contribution; none on BSE. */
  ipft: { NSE: PerCrore; BSE: PerCrore };
  sebi: PerCrore;
  stampDuty: Record<Product, PerCrore>;
  gstPercent: number;
  /** Per scrip per day of delivery sells, before GST. */
  dpPerScrip: Paise;
  /** Per intraday order the broker squares off, before GST. */
  squareOffFee: Paise;
}

export const DEFAULT_CHARGE_RATES: ChargeRates = {
  effective: "2024-10-01",
  brokerage: { CNC: { perCrore: 0, capPerOrder: null }, MIS: { perCrore: 3_000, capPerOrder: 20_00 } },
  stt: { CNC: { buy: 10_000, sell: 10_000 }, MIS: { buy: 0, sell: 2_500 } },
  exchange: { NSE: 297, BSE: 375 },
  ipft: { NSE: 10, BSE: 0 },
  sebi: 10,
  stampDuty: { CNC: 1_500, MIS: 300 },
  gstPercent: 18,
  dpPerScrip: 13_50,
  squareOffFee: 50_00,
};

/** A table that charges nothing (what a market without charges previews). */
export const NO_CHARGE_RATES: ChargeRates = {
  effective: DEFAULT_CHARGE_RATES.effective,
  brokerage: { CNC: { perCrore: 0, capPerOrder: null }, MIS: { perCrore: 0, capPerOrder: null } },
  stt: { CNC: { buy: 0, sell: 0 }, MIS: { buy: 0, sell: 0 } },
  exchange: { NSE: 0, BSE: 0 },
  ipft: { NSE: 0, BSE: 0 },
  sebi: 0,
  stampDuty: { CNC: 0, MIS: 0 },
  gstPercent: 0,
  dpPerScrip: 0,
  squareOffFee: 0,
};
