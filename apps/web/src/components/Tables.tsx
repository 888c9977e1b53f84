// Open orders (modify, cancel), order history, holdings with live P&L, trades and funds.
import { useState } from "react";
import { formatChangePercent, formatInr } from "../format.js";
import { trpc } from "../trpc.js";

const TABS = ["Open orders", "Order history", "Holdings", "Trades", "Funds"] as const;
type Tab = (typeof TABS)[number];

export function Tables() {
  const [tab, setTab] = useState<Tab>("Open orders");
  return (
    <div>
      <div role="tablist" className="tabs">
        {TABS.map((t) => (
          <button key={t} role="tab" type="button" aria-selected={tab === t} className={tab === t ? "on" : ""} onClick={() => setTab(t)}>
            {t}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={tab}>
        {tab === "Open orders" && <Orders open />}
        {tab === "Order history" && <Orders open={false} />}
        {tab === "Holdings" && <Holdings />}
        {tab === "Trades" && <Trades />}
        {tab === "Funds" && <Funds />}
      </div>
    </div>
  );
}

function Empty({ text }: { text: string }) {
  return <p className="muted">{text}</p>;
}

function Orders({ open }: { open: boolean }) {
  const orders = trpc.orders.list.useQuery(open ? { open: true, limit: 100 } : { limit: 100 });
  const cancel = trpc.orders.cancel.useMutation();
  const modify = trpc.orders.modify.useMutation();
  const [editing, setEditing] = useState<{ orderId: string; price: string; quantity: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (orders.isLoading) return <Empty text="Loading…" />;
  if (orders.isError) return <p role="alert" className="error">Could not load orders.</p>;
  const items = orders.data?.items ?? [];
  if (items.length === 0) return <Empty text={open ? "No open orders" : "No orders yet"} />;
  const act = async (run: () => Promise<unknown>) => {
    setError(null);
    try {
      await run();
      setEditing(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <>
      {error !== null && <p role="alert" className="error">{error}</p>}
      <table>
        <thead>
          <tr>
            <th>Order</th><th>Side</th><th>Symbol</th><th>Type</th><th className="num">Qty</th><th className="num">Filled</th><th className="num">Price</th><th className="num">Trigger</th><th className="num">Avg</th><th>State</th>{open && <th />}
          </tr>
        </thead>
        <tbody>
          {items.map((o) => (
            <tr key={o.orderId} data-order={o.orderId}>
              <td>{o.orderId}</td>
              <td className={o.side === "BUY" ? "up" : "down"}>{o.side}</td>
              <td>{o.symbol}</td>
              <td>{o.type}</td>
              <td className="num">
                {editing?.orderId === o.orderId ? <input aria-label="New quantity" value={editing.quantity} onChange={(e) => setEditing({ ...editing, quantity: e.target.value })} /> : o.quantity}
              </td>
              <td className="num">{o.filledQuantity}</td>
              <td className="num">
                {editing?.orderId === o.orderId && o.price !== null ? <input aria-label="New price" value={editing.price} onChange={(e) => setEditing({ ...editing, price: e.target.value })} /> : o.price === null ? "—" : formatInr(o.price)}
              </td>
              <td className="num">{o.triggerPrice === null ? "—" : formatInr(o.triggerPrice)}</td>
              <td className="num">{o.averageFillPrice === null ? "—" : formatInr(o.averageFillPrice)}</td>
              <td title={o.rejectMessage ?? undefined}>{o.state}</td>
              {open && (
                <td className="actions">
                  {editing?.orderId === o.orderId ? (
                    <>
                      <button type="button" onClick={() => void act(() => modify.mutateAsync({ orderId: o.orderId, quantity: Number(editing.quantity), ...(o.price === null ? {} : { price: Number(editing.price) }) }))}>Save</button>
                      <button type="button" onClick={() => setEditing(null)}>Back</button>
                    </>
                  ) : (
                    <>
                      <button type="button" onClick={() => setEditing({ orderId: o.orderId, price: String(o.price ?? ""), quantity: String(o.quantity) })}>Modify</button>
                      <button type="button" onClick={() => void act(() => cancel.mutateAsync({ orderId: o.orderId }))}>Cancel</button>
                    </>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Holdings() {
  const holdings = trpc.portfolio.holdings.useQuery(undefined, { refetchInterval: 2_000 });
  if (holdings.isLoading) return <Empty text="Loading…" />;
  if (holdings.isError) return <p role="alert" className="error">Could not load holdings.</p>;
  const items = holdings.data ?? [];
  if (items.length === 0) return <Empty text="No holdings" />;
  return (
    <table>
      <thead>
        <tr><th>Symbol</th><th className="num">Qty</th><th className="num">Avg</th><th className="num">LTP</th><th className="num">Invested</th><th className="num">Current</th><th className="num">P&amp;L</th><th className="num">P&amp;L %</th><th className="num">Day</th></tr>
      </thead>
      <tbody>
        {items.map((h) => (
          <tr key={h.symbol} data-holding={h.symbol}>
            <td>{h.symbol}</td><td className="num">{h.quantity}</td><td className="num">{formatInr(h.averagePrice)}</td><td className="num">{formatInr(h.ltp)}</td><td className="num">{formatInr(h.investedValue)}</td><td className="num">{formatInr(h.currentValue)}</td>
            <td className={`num ${h.unrealizedPnl >= 0 ? "up" : "down"}`}>{formatInr(h.unrealizedPnl)}</td>
            <td className={`num ${h.unrealizedPnl >= 0 ? "up" : "down"}`}>{formatChangePercent(h.unrealizedPnlPercent)}</td>
            <td className={`num ${h.dayChange >= 0 ? "up" : "down"}`}>{formatInr(h.dayChange)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Trades() {
  const trades = trpc.trades.list.useQuery({ limit: 100 });
  if (trades.isLoading) return <Empty text="Loading…" />;
  if (trades.isError) return <p role="alert" className="error">Could not load trades.</p>;
  const items = trades.data?.items ?? [];
  if (items.length === 0) return <Empty text="No trades yet" />;
  return (
    <table>
      <thead><tr><th>Trade</th><th>Time</th><th>Order</th><th>Side</th><th>Symbol</th><th className="num">Qty</th><th className="num">Price</th></tr></thead>
      <tbody>
        {items.map((t) => (
          <tr key={t.tradeId}><td>{t.tradeId}</td><td>{new Date(t.time).toLocaleTimeString("en-IN", { hour12: false })}</td><td>{t.orderId}</td><td>{t.side}</td><td>{t.symbol}</td><td className="num">{t.quantity}</td><td className="num">{formatInr(t.price)}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

function Funds() {
  const funds = trpc.funds.get.useQuery(undefined, { refetchInterval: 2_000 });
  if (funds.isLoading) return <Empty text="Loading…" />;
  if (funds.isError || funds.data === undefined) return <p role="alert" className="error">Could not load funds.</p>;
  const f = funds.data;
  const rows: Array<[string, string]> = [["Cash", formatInr(f.cash)], ["Blocked for open orders", formatInr(f.blocked)], ["Available", formatInr(f.available)], ["Holdings value", formatInr(f.holdingsValue)], ["Equity", formatInr(f.equity)], ["Total P&L", formatInr(f.totalPnl)]];
  return (
    <table className="funds">
      <tbody>{rows.map(([k, v]) => <tr key={k}><th>{k}</th><td className="num">{v}</td></tr>)}</tbody>
    </table>
  );
}
