// Pieces the tables share: empty and failed states, and an order as table cells.
import { formatInr, formatTime } from "../format.js";
import type { Order } from "../live.js";

export function Empty({ text }: { text: string }) {
  return <p className="muted">{text}</p>;
}

export function Failed({ what, error }: { what: string; error: { message: string } | null }) {
  return (
    <p role="alert" className="error">
      Could not load {what}
      {error === null ? "." : `: ${error.message}`}
    </p>
  );
}

/** One order as a table row; the open-orders table adds its actions cell. */
export function OrderCells({ order: o }: { order: Order }) {
  return (
    <>
      <td>{formatTime(o.placedAt)}</td>
      <td>{o.orderId}</td>
      <td className={o.side === "BUY" ? "up" : "down"}>{o.side}</td>
      <td>{o.symbol}</td>
      <td>{o.type === "SL_M" ? "SL-M" : o.type}</td>
      <td className="num">
        {o.filledQuantity}/{o.quantity}
      </td>
      <td className="num">{o.price === null ? "—" : formatInr(o.price)}</td>
      <td className="num">{o.triggerPrice === null ? "—" : formatInr(o.triggerPrice)}</td>
      <td className="num">{o.averageFillPrice === null ? "—" : formatInr(o.averageFillPrice)}</td>
      <td title={o.rejectMessage ?? undefined}>
        <span className={`state state-${o.state.toLowerCase()}`}>{o.state.replace("_", " ")}</span>
      </td>
    </>
  );
}

export function OrderHead({ actions = false }: { actions?: boolean }) {
  return (
    <thead>
      <tr>
        <th>Time (IST)</th>
        <th>Order</th>
        <th>Side</th>
        <th>Symbol</th>
        <th>Type</th>
        <th className="num">Filled/Qty</th>
        <th className="num">Price</th>
        <th className="num">Trigger</th>
        <th className="num">Avg</th>
        <th>State</th>
        {actions && <th>Actions</th>}
      </tr>
    </thead>
  );
}
