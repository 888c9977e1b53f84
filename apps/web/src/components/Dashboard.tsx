// The trader's screen: watchlist, chart and order ticket, then orders, holdings, trades, funds.
// Live data arrives over subscriptions and is written into the query cache, not re-fetched.
import { useState } from "react";
import { formatChangePercent, formatInr } from "../format.js";
import { trpc, type ConnectionState } from "../trpc.js";
import { Chart } from "./Chart.js";
import { OrderTicket } from "./OrderTicket.js";
import { Tables } from "./Tables.js";
import { Toasts, useToasts } from "./Toasts.js";

export function Dashboard({ connection, onLogout }: { connection: ConnectionState; onLogout: () => void }) {
  const utils = trpc.useUtils();
  const me = trpc.auth.whoami.useQuery();
  const instruments = trpc.instruments.list.useQuery();
  const [selected, setSelected] = useState("RELIANCE");
  const [flash, setFlash] = useState<Record<string, "up" | "down">>({});
  const [filter, setFilter] = useState("");
  const toasts = useToasts();

  trpc.market.onTick.useSubscription(undefined, {
    onData: ({ data: tick }) => {
      utils.instruments.list.setData(undefined, (list) => {
        if (list === undefined) return list;
        return list.map((i) => {
          if (i.symbol !== tick.symbol) return i;
          if (tick.price !== i.lastTradedPrice) setFlash((f) => ({ ...f, [i.symbol]: tick.price > i.lastTradedPrice ? "up" : "down" }));
          return { ...i, lastTradedPrice: tick.price, change: tick.change, changePercent: tick.changePercent };
        });
      });
    },
  });

  trpc.orders.onUpdate.useSubscription(undefined, {
    onData: ({ data: update }) => {
      void utils.orders.list.invalidate();
      void utils.funds.get.invalidate();
      if (update.type === "filled") {
        void utils.portfolio.holdings.invalidate();
        void utils.trades.list.invalidate();
        toasts.push("success", `${update.order.side} ${update.trade?.quantity ?? ""} ${update.order.symbol} filled at ${formatInr(update.trade?.price ?? 0)}`);
      } else if (update.type === "rejected") {
        toasts.push("error", `${update.order.side} ${update.order.symbol} rejected: ${update.order.rejectMessage ?? update.order.rejectReason ?? ""}`);
      } else if (update.type === "cancelled" || update.type === "expired") {
        toasts.push("info", `Order ${update.order.orderId} ${update.type}`);
      }
    },
  });

  const list = (instruments.data ?? []).filter((i) => i.symbol.includes(filter.toUpperCase()) || i.name.toLowerCase().includes(filter.toLowerCase()));
  const current = instruments.data?.find((i) => i.symbol === selected);

  return (
    <div className="app">
      <header>
        <strong>Paper Trading</strong>
        <span className={`conn ${connection}`} role="status" aria-live="polite">
          {connection === "open" ? "Live" : connection === "connecting" ? "Connecting…" : "Reconnecting…"}
        </span>
        <span className="spacer" />
        <span>{me.data?.displayName ?? ""}</span>
        <button type="button" onClick={onLogout}>
          Log out
        </button>
      </header>
      <aside className="watchlist" aria-label="Watchlist">
        <input aria-label="Search instruments" placeholder="Search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        {instruments.isLoading && <p className="muted">Loading…</p>}
        {instruments.isError && <p role="alert" className="error">Could not load instruments.</p>}
        <ul>
          {list.map((i) => (
            <li key={i.symbol}>
              <button
                type="button"
                className={`row ${i.symbol === selected ? "selected" : ""} flash-${flash[i.symbol] ?? "none"}`}
                onClick={() => setSelected(i.symbol)}
                onAnimationEnd={() => setFlash(({ [i.symbol]: _gone, ...rest }) => rest)}
                aria-pressed={i.symbol === selected}
                data-symbol={i.symbol}
              >
                <span className="sym">{i.symbol}</span>
                <span className="ltp">{formatInr(i.lastTradedPrice)}</span>
                <span className={i.change >= 0 ? "up" : "down"}>{formatChangePercent(i.changePercent)}</span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <section className="chart" aria-label={`${selected} chart`}>
        <h2>
          {selected} <span className="ltp">{current === undefined ? "" : formatInr(current.lastTradedPrice)}</span>
        </h2>
        <Chart symbol={selected} ltp={current?.lastTradedPrice} />
      </section>
      <section className="ticket" aria-label="Order ticket">
        <OrderTicket symbol={selected} ltp={current?.lastTradedPrice} />
      </section>
      <section className="tables">
        <Tables />
      </section>
      <Toasts items={toasts.items} onDismiss={toasts.dismiss} />
    </div>
  );
}
