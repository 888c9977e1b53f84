// Number formatting for the trader's screens: rupees in the Indian grouping, signed changes.

const inr = new Intl.NumberFormat("en-IN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** ₹12,34,567.80 */
export function formatInr(rupees: number): string {
  return `${rupees < 0 ? "-" : ""}₹${inr.format(Math.abs(rupees))}`;
}

/** +1.25 % / −0.40 %: always signed, so a glance tells up from down. */
export function formatChangePercent(percent: number): string {
  const sign = percent > 0 ? "+" : percent < 0 ? "−" : "";
  return `${sign}${Math.abs(percent).toFixed(2)}%`;
}
