// Open orders (modify, cancel), order history with filters, holdings with live P&L, trades and
// funds, as tabs that arrow keys move between.
import { useRef, useState, type KeyboardEvent } from "react";
import { formatChangePercent, formatInr, formatTime } from "../format.js";
import { valueFunds, valueHoldings, valuePositions, type Instrument, type Order } from "../live.js";
import { trpc } from "../trpc.js";
import { Empty, Failed, OrderCells, OrderHead } from "./common.js";
import { ContractNote } from "./ContractNote.js";
import { Positions } from "./Positions.js";
import { OrderHistory } from "./OrderHistory.js";

const TABS = ["Open orders", "Order history", "Positions", "Holdings", "Trades", "Funds", "Contract note"] as const;
type Tab = (typeof TABS)[number];

/** The inputs of the queries the live streams patch in place. */
export const OPEN_ORDERS_INPUT = { open: true, limit: 100 };
export const TRADES_INPUT = { limit: 100 };

const tabId = (tab: Tab) => `tab-${tab.toLowerCase().replace(/ /g, "-")}`;

export function Tables({ instruments }: { instruments: readonly Instrument[] | undefined }) {
  const [tab, setTab] = useState<Tab>("Open orders");
  const bar = useRef<HTMLDivElement>(null);

  // WAI-ARIA tabs: left/right (and Home/End) move to the next tab and show it.
  const onKeyDown = (event: KeyboardEvent) => {
    const index = TABS.indexOf(tab);
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = TABS[(target + TABS.length) % TABS.length] as Tab;
    setTab(next);
    bar.current?.querySelector<HTMLButtonElement>(`#${tabId(next)}`)?.focus();
  };

  return (
    <div>
      <div role="tablist" aria-label="Orders and portfolio" className="tabs" ref={bar} onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t}
            id={tabId(t)}
            role="tab"
            type="button"
            aria-selected={tab === t}
            aria-controls="tables-panel"
            tabIndex={tab === t ? 0 : -1}
            className={tab === t ? "on" : ""}
            onClick={() => setTab(t)}
          >
            {t}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="tables-panel" aria-labelledby={tabId(tab)} tabIndex={0}>
        {tab === "Open orders" && <OpenOrders />}
        {tab === "Order history" && <OrderHistory />}
        {tab === "Positions" && <Positions instruments={instruments} />}
        {tab === "Holdings" && <Holdings instruments={instruments} />}
        {tab === "Trades" && <Trades />}
        {tab === "Funds" && <Funds instruments={instruments} />}
        {tab === "Contract note" && <ContractNote />}
      </div>
    </div>
  );
}

interface Editing {
  orderId: string;
  price: string;
  trigger: string;
  quantity: string;
}

function OpenOrders() {
  const orders = trpc.orders.list.useQuery(OPEN_ORDERS_INPUT);
  const cancel = trpc.orders.cancel.useMutation();
  const modify = trpc.orders.modify.useMutation();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (orders.isLoading) return <Empty text="Loading open orders…" />;
  if (orders.isError) return <Failed what="open orders" error={orders.error} />;
  const items = orders.data?.items ?? [];
  const act = async (run: () => Promise<unknown>) => {
    setError(null);
    try {
      await run();
      setEditing(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const save = (o: Order, e: Editing) => {
    const change: { orderId: string; quantity?: number; price?: number; triggerPrice?: number } = { orderId: o.orderId };
    if (Number(e.quantity) !== o.quantity) change.quantity = Number(e.quantity);
    if (o.price !== null && Number(e.price) !== o.price) change.price = Number(e.price);
    if (o.triggerPrice !== null && o.state === "TRIGGER_PENDING" && Number(e.trigger) !== o.triggerPrice)
      change.triggerPrice = Number(e.trigger);
    void act(() => modify.mutateAsync(change));
  };
  return (
    <>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {items.length === 0 ? (
        <Empty text="No open orders. A LIMIT or stop order that has not filled waits here." />
      ) : (
        <div className="scroll-x">
          <table>
            <OrderHead actions />
            <tbody>
              {items.map((o) =>
                editing?.orderId === o.orderId ? (
                  <tr key={o.orderId} data-order={o.orderId}>
                    <td colSpan={12}>
                      <form
                        className="modify"
                        aria-label={`Modify order ${o.orderId}`}
                        onSubmit={(event) => {
                          event.preventDefault();
                          save(o, editing);
                        }}
                        onKeyDown={(event) => event.key === "Escape" && setEditing(null)}
                      >
                        <span>
                          {o.side} {o.symbol} {o.type} · filled {o.filledQuantity}
                        </span>
                        <label>
                          New quantity
                          <input
                            autoFocus
                            inputMode="numeric"
                            value={editing.quantity}
                            onChange={(e) => setEditing({ ...editing, quantity: e.target.value })}
                          />
                        </label>
                        {o.price !== null && (
                          <label>
                            New price
                            <input
                              inputMode="decimal"
                              value={editing.price}
                              onChange={(e) => setEditing({ ...editing, price: e.target.value })}
                            />
                          </label>
                        )}
                        {o.triggerPrice !== null && o.state === "TRIGGER_PENDING" && (
                          <label>
                            New trigger
                            <input
                              inputMode="decimal"
                              value={editing.trigger}
                              onChange={(e) => setEditing({ ...editing, trigger: e.target.value })}
                            />
                          </label>
                        )}
                        <button type="submit" disabled={modify.isPending}>
                          Save
                        </button>
                        <button type="button" onClick={() => setEditing(null)}>
                          Back
                        </button>
                      </form>
                    </td>
                  </tr>
                ) : (
                  <tr key={o.orderId} data-order={o.orderId}>
                    <OrderCells order={o} />
                    <td className="actions">
                      <button
                        type="button"
                        aria-label={`Modify order ${o.orderId}`}
                        onClick={() =>
                          setEditing({
                            orderId: o.orderId,
                            price: String(o.price ?? ""),
                            trigger: String(o.triggerPrice ?? ""),
                            quantity: String(o.quantity),
                          })
                        }
                      >
                        Modify
                      </button>
                      <button
                        type="button"
                        aria-label={`Cancel order ${o.orderId}`}
                        disabled={cancel.isPending}
                        onClick={() => void act(() => cancel.mutateAsync({ orderId: o.orderId }))}
                      >
                        Cancel
                      </button>
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Holdings({ instruments }: { instruments: readonly Instrument[] | undefined }) {
  const holdings = trpc.portfolio.holdings.useQuery();
  if (holdings.isLoading) return <Empty text="Loading holdings…" />;
  if (holdings.isError) return <Failed what="holdings" error={holdings.error} />;
  const items = valueHoldings(holdings.data ?? [], instruments).filter((h) => h.quantity > 0);
  if (items.length === 0) return <Empty text="No holdings. Shares you buy appear here with their P&L." />;
  const pnl = items.reduce((sum, h) => sum + Math.round(h.unrealizedPnl * 100), 0) / 100;
  return (
    <div className="scroll-x">
      <table>
        <thead>
          <tr>
            <th>Symbol</th>
            <th className="num">Qty</th>
            <th className="num" title="Bought today: settles the next trading day (T+1)">
              T1
            </th>
            <th className="num">Avg</th>
            <th className="num">LTP</th>
            <th className="num">Invested</th>
            <th className="num">Current</th>
            <th className="num">P&amp;L</th>
            <th className="num">P&amp;L %</th>
            <th className="num">Day</th>
            <th className="num">Realized</th>
          </tr>
        </thead>
        <tbody>
          {items.map((h) => (
            <tr key={h.symbol} data-holding={h.symbol}>
              <td>{h.symbol}</td>
              <td className="num">{h.quantity}</td>
              <td className="num">{h.t1Quantity}</td>
              <td className="num">{formatInr(h.averagePrice)}</td>
              <td className="num">{formatInr(h.ltp)}</td>
              <td className="num">{formatInr(h.investedValue)}</td>
              <td className="num">{formatInr(h.currentValue)}</td>
              <td className={`num pnl ${h.unrealizedPnl >= 0 ? "up" : "down"}`}>{formatInr(h.unrealizedPnl)}</td>
              <td className={`num ${h.unrealizedPnl >= 0 ? "up" : "down"}`}>{formatChangePercent(h.unrealizedPnlPercent)}</td>
              <td className={`num ${h.dayChange >= 0 ? "up" : "down"}`}>{formatInr(h.dayChange)}</td>
              <td className={`num ${h.realizedPnl >= 0 ? "up" : "down"}`}>{formatInr(h.realizedPnl)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th colSpan={7}>Total unrealised P&amp;L</th>
            <td className={`num ${pnl >= 0 ? "up" : "down"}`} data-total-pnl>
              {formatInr(pnl)}
            </td>
            <td colSpan={3} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function Trades() {
  const trades = trpc.trades.list.useQuery(TRADES_INPUT);
  if (trades.isLoading) return <Empty text="Loading trades…" />;
  if (trades.isError) return <Failed what="trades" error={trades.error} />;
  const items = trades.data?.items ?? [];
  if (items.length === 0) return <Empty text="No trades yet. Every fill of your orders is listed here." />;
  return (
    <div className="scroll-x">
      <table>
        <thead>
          <tr>
            <th>Time (IST)</th>
            <th>Trade</th>
            <th>Order</th>
            <th>Side</th>
            <th>Symbol</th>
            <th className="num">Qty</th>
            <th className="num">Price</th>
            <th className="num">Value</th>
          </tr>
        </thead>
        <tbody>
          {items.map((t) => (
            <tr key={t.tradeId} data-trade={t.tradeId}>
              <td>{formatTime(t.time)}</td>
              <td>{t.tradeId}</td>
              <td>{t.orderId}</td>
              <td className={t.side === "BUY" ? "up" : "down"}>{t.side}</td>
              <td>{t.symbol}</td>
              <td className="num">{t.quantity}</td>
              <td className="num">{formatInr(t.price)}</td>
              <td className="num">{formatInr((t.quantity * Math.round(t.price * 100)) / 100)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Funds({ instruments }: { instruments: readonly Instrument[] | undefined }) {
  const funds = trpc.funds.get.useQuery();
  const holdings = trpc.portfolio.holdings.useQuery();
  const positions = trpc.positions.list.useQuery();
  if (funds.isLoading) return <Empty text="Loading funds…" />;
  if (funds.isError || funds.data === undefined) return <Failed what="funds" error={funds.error} />;
  const live = positions.data === undefined ? undefined : valuePositions(positions.data, instruments);
  const f = valueFunds(funds.data, holdings.data === undefined ? undefined : valueHoldings(holdings.data, instruments), live);
  const rows: Array<[string, string, string?]> = [
    ["Cash", formatInr(f.cash)],
    ["Blocked for open orders", formatInr(f.blocked)],
    ["Margin used (intraday positions)", formatInr(f.marginUsed)],
    ["Available to trade", formatInr(f.available)],
    ["Holdings at market", formatInr(f.holdingsValue)],
    ["Equity", formatInr(f.equity)],
    ["Total P&L (net of charges)", formatInr(f.totalPnl), f.totalPnl >= 0 ? "up" : "down"],
    ["Realized P&L", formatInr(f.realizedPnl), f.realizedPnl >= 0 ? "up" : "down"],
    ["Realized P&L net of charges", formatInr(f.realizedPnlNet), f.realizedPnlNet >= 0 ? "up" : "down"],
    ["Charges today", formatInr(f.chargesToday)],
    ["Charges paid in all", formatInr(f.chargesPaid)],
  ];
  return (
    <div className="scroll-x">
      <table className="funds">
        <tbody>
          {rows.map(([k, v, tone]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td className={`num ${tone ?? ""}`}>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
