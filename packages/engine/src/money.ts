// Money is integer paise everywhere inside the engine; rupees exist only at the edges.
//
// Rounding rule (the only one): whenever an exact amount must become whole paise, it is rounded
// half away from zero. This happens in two places: the average price shown for a holding or an
// order (cost / quantity), and the cost basis taken out of a holding by a partial SELL
// (costBasis * sold / held). Selling a whole position always removes its whole cost basis, so
// realized P&L over a round trip is exact.

export type Paise = number;

export const PAISE_PER_RUPEE = 100;

/** a * b / c rounded half away from zero, exact even when a * b exceeds 2^53. */
export function mulDivRound(a: number, b: number, c: number): number {
  if (c === 0) throw new RangeError("mulDivRound: division by zero");
  const product = a * b;
  if (Number.isSafeInteger(product)) return divRound(product, c);
  const big = BigInt(a) * BigInt(b);
  const divisor = BigInt(c);
  const negative = big < 0n !== divisor < 0n;
  const absNumerator = big < 0n ? -big : big;
  const absDivisor = divisor < 0n ? -divisor : divisor;
  const quotient = (absNumerator + absDivisor / 2n) / absDivisor;
  return Number(negative ? -quotient : quotient);
}

/** n / d rounded half away from zero (both safe whole numbers). */
export function divRound(n: number, d: number): number {
  const an = Math.abs(n);
  const ad = Math.abs(d);
  // Float division can be one off for large operands; the remainder fixes it exactly.
  let q = Math.trunc(an / ad);
  let r = an - q * ad;
  if (r < 0) {
    q -= 1;
    r += ad;
  } else if (r >= ad) {
    q += 1;
    r -= ad;
  }
  if (2 * r >= ad) q += 1;
  return q !== 0 && n < 0 !== d < 0 ? -q : q;
}

/**
 * Rupees (a decimal number such as 2450.05) to whole paise. Returns undefined when the value is not
 * finite or carries more than two decimals, so a caller can say exactly what was wrong.
 */
export function rupeesToPaise(rupees: number): Paise | undefined {
  if (!Number.isFinite(rupees)) return undefined;
  const scaled = rupees * PAISE_PER_RUPEE;
  const paise = Math.round(scaled);
  // Binary floating point cannot hold 0.05 exactly; anything within a millionth of a paisa is
  // the decimal the user typed, anything further has a third decimal.
  if (Math.abs(scaled - paise) > 1e-6) return undefined;
  if (!Number.isSafeInteger(paise)) return undefined;
  return paise;
}

/** Whole paise to rupees as a number with at most two decimals (exact for display and JSON). */
export function paiseToRupees(paise: Paise): number {
  return paise / PAISE_PER_RUPEE;
}

/** "2,450.05"-style text in the Indian digit grouping (lakh, crore), always two decimals. */
export function formatRupees(paise: Paise): string {
  const negative = paise < 0;
  const abs = Math.abs(paise);
  const whole = Math.floor(abs / PAISE_PER_RUPEE);
  const fraction = String(abs % PAISE_PER_RUPEE).padStart(2, "0");
  const digits = String(whole);
  let grouped = digits;
  if (digits.length > 3) {
    const head = digits.slice(0, -3);
    const tail = digits.slice(-3);
    grouped = `${head.replace(/\B(?=(\d{2})+(?!\d))/g, ",")},${tail}`;
  }
  return `${negative ? "-" : ""}${grouped}.${fraction}`;
}

/**
 * The allowed prices either side of `price` on a tick size of `tick` (both in paise), or null
 * when `price` is one itself. What the engine's rejection and the order ticket both name.
 */
export function nearestTicks(price: Paise, tick: Paise): { below: Paise; above: Paise } | null {
  const off = price % tick;
  if (off === 0) return null;
  return { below: price - off, above: price - off + tick };
}
