// The instruments a new platform starts with: well-known NSE equities at realistic prices.
import type { InstrumentSpec } from "./types.js";

export interface SeedInstrument extends InstrumentSpec {
  /** Annualised volatility used by the default price feed. */
  volatility: number;
  /** Typical shares per tick for the default price feed. */
  typicalVolume: number;
}

const nse = (symbol: string, name: string, rupees: number, volatility: number, typicalVolume: number): SeedInstrument => ({
  symbol,
  name,
  exchange: "NSE",
  instrumentType: "EQ",
  tickSize: 5,
  lotSize: 1,
  price: Math.round(rupees * 100),
  // Each of these has derivatives on NSE: no fixed band but a dynamic one (see price-rules.ts).
  tickSizeRule: "nse",
  band: "dynamic",
  volatility,
  typicalVolume,
});

export const SEED_INSTRUMENTS: readonly SeedInstrument[] = [
  nse("RELIANCE", "Reliance Industries Ltd", 1425.5, 0.22, 400),
  nse("TCS", "Tata Consultancy Services Ltd", 3080.0, 0.2, 150),
  nse("INFY", "Infosys Ltd", 1512.3, 0.24, 300),
  nse("HDFCBANK", "HDFC Bank Ltd", 992.4, 0.18, 500),
  nse("ICICIBANK", "ICICI Bank Ltd", 1378.6, 0.2, 350),
  nse("SBIN", "State Bank of India", 872.15, 0.25, 600),
  nse("ITC", "ITC Ltd", 408.75, 0.18, 900),
  nse("LT", "Larsen & Toubro Ltd", 3915.0, 0.22, 120),
  nse("HINDUNILVR", "Hindustan Unilever Ltd", 2455.2, 0.17, 150),
  nse("BHARTIARTL", "Bharti Airtel Ltd", 2052.9, 0.21, 250),
  nse("KOTAKBANK", "Kotak Mahindra Bank Ltd", 2108.4, 0.2, 200),
  nse("AXISBANK", "Axis Bank Ltd", 1184.3, 0.24, 400),
  nse("BAJFINANCE", "Bajaj Finance Ltd", 1003.6, 0.3, 350),
  nse("MARUTI", "Maruti Suzuki India Ltd", 16020.0, 0.22, 30),
  nse("SUNPHARMA", "Sun Pharmaceutical Industries Ltd", 1702.8, 0.2, 200),
  nse("ASIANPAINT", "Asian Paints Ltd", 2498.1, 0.23, 120),
  nse("WIPRO", "Wipro Ltd", 248.6, 0.26, 1200),
  nse("HCLTECH", "HCL Technologies Ltd", 1551.2, 0.23, 220),
  nse("TITAN", "Titan Company Ltd", 3604.4, 0.24, 100),
  nse("NTPC", "NTPC Ltd", 338.9, 0.22, 1000),
];

/** Starting cash for a new account: ₹10,00,000 in paise. */
export const DEFAULT_STARTING_CASH = 10_00_000_00;
