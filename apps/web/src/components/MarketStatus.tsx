// The market's phase in the header, with a countdown to the next open or close on the market's
// clock (a simulated clock runs faster: the countdown runs at its speed). Asked every 30 s; the
// countdown in between is worked out here.
import { useEffect, useState } from "react";
import { trpc } from "../trpc.js";

const LABELS = { "pre-open": "Pre-open", opening: "Opening", open: "Open", closed: "Closed" } as const;

/** 2d 3h, 3h 12m, 7m 05s */
export function countdown(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const [d, h, m, s] = [Math.floor(seconds / 86_400), Math.floor(seconds / 3_600) % 24, Math.floor(seconds / 60) % 60, seconds % 60];
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m ${String(s).padStart(2, "0")}s`;
}

export function MarketStatus() {
  const status = trpc.market.status.useQuery(undefined, { refetchInterval: 30_000 });
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 1_000);
    return () => clearInterval(timer);
  }, []);
  const s = status.data;
  if (s === undefined) return null;
  const marketNow = Date.parse(s.now) + (Date.now() - status.dataUpdatedAt) * s.speed;
  const target = s.phase === "open" ? s.nextClose : s.nextOpen;
  const next = target === null ? "" : ` · ${s.phase === "open" ? "closes" : "opens"} in ${countdown(Date.parse(target) - marketNow)}`;
  return (
    <span className={`market ${s.phase}`} data-phase={s.phase} title={`Trading day ${s.tradingDay} (IST)`}>
      Market {LABELS[s.phase].toLowerCase()}
      {next}
      {s.simulated ? ` · clock ×${s.speed}` : ""}
    </span>
  );
}
