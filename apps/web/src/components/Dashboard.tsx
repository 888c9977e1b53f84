// The trader's screen: watchlist, chart and order ticket, then orders, holdings, trades, funds.
// Live data arrives over subscriptions and is written into the query cache, not re-fetched:
// ticks move the watchlist (and so the chart, holdings and funds), order updates move the
// open-orders list and add fills to the trade lists.
import { useEffect, useState } from "react";
import { formatInr } from "../format.js";
import { applyToOpenOrders, prependTrade, type OrderUpdate } from "../live.js";
import { useRestartWhenStale } from "../subscriptions.js";
import { trpc, type ConnectionState } from "../trpc.js";
import { Chart, chartTradesInput } from "./Chart.js";
import { MarketStatus } from "./MarketStatus.js";
import { OrderTicket, type SideRequest } from "./OrderTicket.js";
import { OPEN_ORDERS_INPUT, Tables, TRADES_INPUT } from "./Tables.js";
import { Toasts, useToasts } from "./Toasts.js";
import { Watchlist } from "./Watchlist.js";

/** A key press that is not typing into a field. */
function isHotkey(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  const typing = target !== null && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
  return !typing && !event.ctrlKey && !event.metaKey && !event.altKey;
}

export interface DashboardProps {
  connection: ConnectionState;
  onLogout: () => void;
  /** The server no longer accepts the key. */
  onUnauthorized: () => void;
}

export function Dashboard({ connection, onLogout, onUnauthorized }: DashboardProps) {
  const utils = trpc.useUtils();
  const me = trpc.auth.whoami.useQuery(undefined, { refetchInterval: 30_000 });
  const unauthorized = me.error?.data?.code === "UNAUTHORIZED";
  useEffect(() => {
    if (unauthorized) onUnauthorized();
  }, [unauthorized, onUnauthorized]);
  const instruments = trpc.instruments.list.useQuery();
  const [selected, setSelected] = useState("RELIANCE");
  const [flash, setFlash] = useState<Record<string, "up" | "down">>({});
  const [sideRequest, setSideRequest] = useState<SideRequest | null>(null);
  const toasts = useToasts();

  const ticks = trpc.market.onTick.useSubscription(undefined, {
    onData: ({ data: tick }) => {
      const before = utils.instruments.list.getData()?.find((i) => i.symbol === tick.symbol);
      if (before !== undefined && tick.price !== before.lastTradedPrice) {
        setFlash((f) => ({ ...f, [tick.symbol]: tick.price > before.lastTradedPrice ? "up" : "down" }));
      }
      utils.instruments.list.setData(undefined, (list) =>
        list?.map((i) =>
          i.symbol === tick.symbol ? { ...i, lastTradedPrice: tick.price, change: tick.change, changePercent: tick.changePercent } : i,
        ),
      );
    },
  });

  const onOrderUpdate = (update: OrderUpdate) => {
    const { order, trade } = update;
    if (update.type === "snapshot") {
      // A fresh subscription starts with the open orders as they are: the lists catch up by refetching.
      void utils.orders.list.invalidate();
      return;
    }
    utils.orders.list.setData(OPEN_ORDERS_INPUT, (page) => (page === undefined ? page : applyToOpenOrders(page, order)));
    // Filtered history pages cannot be patched without knowing each filter's answer; they refetch.
    void utils.orders.list.invalidate(undefined, { predicate: (query) => !isOpenOrdersQuery(query.queryKey) });
    void utils.orders.get.invalidate({ orderId: order.orderId });
    void utils.funds.get.invalidate();
    if (trade !== null) {
      utils.trades.list.setData(TRADES_INPUT, (page) => (page === undefined ? page : prependTrade(page, trade)));
      utils.trades.list.setData(chartTradesInput(trade.symbol), (page) => (page === undefined ? page : prependTrade(page, trade)));
      void utils.portfolio.holdings.invalidate();
      void utils.positions.list.invalidate();
      toasts.push("success", `${order.side} ${trade.quantity} ${order.symbol} filled at ${formatInr(trade.price)}`);
    } else if (update.type === "rejected") {
      toasts.push(
        "error",
        `${order.side} ${order.quantity} ${order.symbol} rejected: ${order.rejectMessage ?? order.rejectReason ?? "no reason given"}`,
      );
    } else if (update.type === "cancelled" || update.type === "expired") {
      toasts.push("info", `${order.side} ${order.quantity} ${order.symbol} (${order.orderId}) ${update.type}`);
    }
  };
  const orderUpdates = trpc.orders.onUpdate.useSubscription(undefined, { onData: ({ data }) => onOrderUpdate(data) });
  useRestartWhenStale(ticks);
  useRestartWhenStale(orderUpdates);

  // Keys: "/" searches, "b" and "s" open the ticket on that side.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isHotkey(event)) return;
      if (event.key === "/") {
        event.preventDefault();
        document.getElementById("instrument-search")?.focus();
      } else if (event.key === "b" || event.key === "s") {
        event.preventDefault();
        setSideRequest((r) => ({ side: event.key === "b" ? "BUY" : "SELL", n: (r?.n ?? 0) + 1 }));
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const current = instruments.data?.find((i) => i.symbol === selected);

  return (
    <div className="app">
      <header>
        <strong>Paper Trading</strong>
        <span className={`conn ${connection}`} role="status" aria-live="polite">
          {connection === "open" ? "Live" : connection === "closed" ? "Reconnecting…" : "Connecting…"}
        </span>
        <MarketStatus />
        <span className="spacer" />
        <span className="muted keys" aria-hidden="true">
          / search · ↑↓ instruments · B buy · S sell
        </span>
        <span>{me.data?.displayName ?? ""}</span>
        <button type="button" onClick={() => onLogout()}>
          Log out
        </button>
      </header>
      <aside className="watchlist" aria-label="Watchlist">
        <Watchlist
          instruments={instruments.data}
          loading={instruments.isLoading}
          error={instruments.isError ? instruments.error.message : null}
          selected={selected}
          onSelect={setSelected}
          flash={flash}
          onFlashEnd={(symbol) => setFlash(({ [symbol]: _gone, ...rest }) => rest)}
        />
      </aside>
      <section className="chart" aria-label={`${selected} chart`}>
        <h2>
          {selected} <span className="ltp">{current === undefined ? "" : formatInr(current.lastTradedPrice)}</span>{" "}
          {current !== undefined && <span className="muted name">{current.name}</span>}
        </h2>
        <Chart symbol={selected} ltp={current?.lastTradedPrice} />
      </section>
      <section className="ticket" aria-label="Order ticket">
        <OrderTicket
          symbol={selected}
          ltp={current?.lastTradedPrice}
          tickSize={current?.tickSize}
          band={current?.band}
          exchange={current?.exchange}
          sideRequest={sideRequest}
        />
      </section>
      <section className="tables">
        <Tables instruments={instruments.data} />
      </section>
      <Toasts items={toasts.items} onDismiss={toasts.dismiss} />
    </div>
  );
}

function isOpenOrdersQuery(queryKey: readonly unknown[]): boolean {
  const options = queryKey[1] as { input?: { open?: boolean }; type?: string } | undefined;
  return options?.type === "query" && options.input?.open === true;
}
