// Pieces the tables share: empty and failed states, and an order as table cells.
import type { ReactNode } from "react";
import { formatInr, formatTime } from "../format.js";
import type { Order } from "../live.js";
import type { WaitingFor } from "@trading/engine";

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
/** When a waiting order meets the market: in a sentence, and in a table cell. */
export const WAITING_TEXT: Record<WaitingFor, string> = {
  "pre-open": "enters the market at the next pre-open, 09:00 IST",
  auction: "takes part in the opening auction at 09:08 IST",
  open: "enters the market at the next open, 09:15 IST",
};
const WAITING_SHORT: Record<WaitingFor, string> = { "pre-open": "at 09:00", auction: "auction 09:08", open: "at 09:15" };

export function OrderCells({ order: o }: { order: Order }) {
  return (
    <>
      <td>{formatTime(o.placedAt)}</td>
      <td>{o.orderId}</td>
      <td className={o.side === "BUY" ? "up" : "down"}>{o.side}</td>
      <td>{o.symbol}</td>
      <td>
        {o.product}
        {o.squareOff && <span className="muted"> · square-off</span>}
      </td>
      <td>{o.type === "SL_M" ? "SL-M" : o.type}</td>
      <td className="num">
        {o.filledQuantity}/{o.quantity}
      </td>
      <td className="num">{o.price === null ? "—" : formatInr(o.price)}</td>
      <td className="num">{o.triggerPrice === null ? "—" : formatInr(o.triggerPrice)}</td>
      <td className="num">{o.averageFillPrice === null ? "—" : formatInr(o.averageFillPrice)}</td>
      <td title={o.rejectMessage ?? (o.waitingFor === null ? undefined : WAITING_TEXT[o.waitingFor])}>
        {o.amo && (
          <span className="amo" title="After-market order">
            AMO
          </span>
        )}
        <span className={`state state-${o.state.toLowerCase()}`}>{o.state.replace("_", " ")}</span>
        {o.waitingFor !== null && <span className="muted waiting"> · {WAITING_SHORT[o.waitingFor]}</span>}
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
        <th title="CNC: delivery; MIS: intraday, on margin, squared off at 15:20 IST">Product</th>
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

/** One choice among a few, as buttons in a radio group (the ticket's side and product, a table's view). */
export function Choice<T extends string>({
  label,
  value,
  options,
  onChange,
  className,
}: {
  label: string;
  value: T;
  options: ReadonlyArray<{ value: T; text: ReactNode; title?: string; className?: string }>;
  onChange: (value: T) => void;
  className: string;
}) {
  return (
    <div className={className} role="radiogroup" aria-label={label}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={value === o.value}
          title={o.title}
          className={`${o.className ?? ""} ${value === o.value ? "on" : ""}`}
          onClick={() => onChange(o.value)}
        >
          {o.text}
        </button>
      ))}
    </div>
  );
}
