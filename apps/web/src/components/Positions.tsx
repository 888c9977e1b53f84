// Today's positions by product, marked to the live prices: the net view (quantity, average, P&L
// split into realized and open, intraday margin) or the day's buys and sells, as Kite shows them.
import { useState } from "react";
import { formatInr } from "../format.js";
import { valuePositions, type Instrument, type Position } from "../live.js";
import { trpc } from "../trpc.js";
import { Choice, Empty, Failed } from "./common.js";

type View = "Net" | "Day";
const VIEWS = [
  { value: "Net" as const, text: "Net" },
  { value: "Day" as const, text: "Day" },
];

const tone = (amount: number) => (amount >= 0 ? "up" : "down");
const average = (value: number, quantity: number) => (quantity === 0 ? "—" : formatInr(Math.round((value / quantity) * 100) / 100));

export function Positions({ instruments }: { instruments: readonly Instrument[] | undefined }) {
  const [view, setView] = useState<View>("Net");
  const positions = trpc.positions.list.useQuery();
  if (positions.isLoading) return <Empty text="Loading positions…" />;
  if (positions.isError) return <Failed what="positions" error={positions.error} />;
  const items = valuePositions(positions.data ?? [], instruments);
  if (items.length === 0)
    return <Empty text="No positions today. Today's trades show here by product; intraday (MIS) ones are squared off at 15:20 IST." />;
  const total = items.reduce((sum, p) => sum + Math.round(p.pnl * 100), 0) / 100;
  return (
    <>
      <Choice label="Positions view" className="tabs" value={view} onChange={setView} options={VIEWS} />
      <div className="scroll-x">
        <table>
          {view === "Net" ? <NetHead /> : <DayHead />}
          <tbody>
            {items.map((p) =>
              view === "Net" ? <NetRow key={`${p.product}:${p.symbol}`} p={p} /> : <DayRow key={`${p.product}:${p.symbol}`} p={p} />,
            )}
          </tbody>
          <tfoot>
            <tr>
              <th colSpan={view === "Net" ? 5 : 7}>Total P&amp;L (M2M)</th>
              <td className={`num ${tone(total)}`} data-positions-pnl>
                {formatInr(total)}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}

function NetHead() {
  return (
    <thead>
      <tr>
        <th>Symbol</th>
        <th title="CNC: delivery; MIS: intraday, squared off at 15:20 IST">Product</th>
        <th className="num">Qty</th>
        <th className="num">Avg</th>
        <th className="num">LTP</th>
        <th className="num" title="Sold value less bought value plus the net quantity at the last price">
          P&amp;L
        </th>
        <th className="num">Realized</th>
        <th className="num">Unrealized</th>
        <th className="num" title="Margin the open intraday position holds">
          Margin
        </th>
      </tr>
    </thead>
  );
}

function NetRow({ p }: { p: Position }) {
  return (
    <tr data-position={`${p.product}:${p.symbol}`}>
      <td>{p.symbol}</td>
      <td>{p.product}</td>
      <td className={`num ${p.quantity < 0 ? "down" : ""}`}>{p.quantity}</td>
      <td className="num">{formatInr(p.averagePrice)}</td>
      <td className="num">{formatInr(p.ltp)}</td>
      <td className={`num pnl ${tone(p.pnl)}`}>{formatInr(p.pnl)}</td>
      <td className={`num ${tone(p.realizedPnl)}`}>{formatInr(p.realizedPnl)}</td>
      <td className={`num ${tone(p.unrealizedPnl)}`}>{formatInr(p.unrealizedPnl)}</td>
      <td className="num">{formatInr(p.margin)}</td>
    </tr>
  );
}

function DayHead() {
  return (
    <thead>
      <tr>
        <th>Symbol</th>
        <th>Product</th>
        <th className="num">Buy qty</th>
        <th className="num">Buy avg</th>
        <th className="num">Sell qty</th>
        <th className="num">Sell avg</th>
        <th className="num">Net qty</th>
        <th className="num">P&amp;L</th>
      </tr>
    </thead>
  );
}

function DayRow({ p }: { p: Position }) {
  return (
    <tr data-position={`${p.product}:${p.symbol}`}>
      <td>{p.symbol}</td>
      <td>{p.product}</td>
      <td className="num">{p.buyQuantity}</td>
      <td className="num">{average(p.buyValue, p.buyQuantity)}</td>
      <td className="num">{p.sellQuantity}</td>
      <td className="num">{average(p.sellValue, p.sellQuantity)}</td>
      <td className="num">{p.quantity}</td>
      <td className={`num pnl ${tone(p.pnl)}`}>{formatInr(p.pnl)}</td>
    </tr>
  );
}
