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

const time = new Intl.DateTimeFormat("en-IN", { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
const dateTime = new Intl.DateTimeFormat("en-IN", { day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

/** 14:03:27 today, 21 Nov, 14:03:27 before: an ISO timestamp in the browser's time zone. */
export function formatTime(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  return at.toDateString() === now.toDateString() ? time.format(at) : dateTime.format(at);
}
