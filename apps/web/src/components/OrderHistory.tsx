// Every order the user placed, newest first, from the server's history (cursor pages), filtered by
// status, symbol and day; a row opens the order's state history and fills.
import { DEFAULT_PAGE_SIZE, OPEN_STATES, type OrderState } from "@trading/engine";
import { Fragment, useState } from "react";
import { formatInr, formatTime, marketDayRange } from "../format.js";
import { trpc } from "../trpc.js";
import { Empty, Failed, OrderCells, OrderHead } from "./common.js";

export const STATUS_FILTERS = {
  All: undefined,
  Open: [...OPEN_STATES],
  Executed: ["EXECUTED"],
  Cancelled: ["CANCELLED"],
  Rejected: ["REJECTED"],
  Expired: ["EXPIRED"],
} as const;
export type StatusFilter = keyof typeof STATUS_FILTERS;

export interface HistoryFilters {
  status: StatusFilter;
  symbol: string;
  /** A market day (IST), yyyy-mm-dd, or "" for every day. */
  day: string;
}

const PAGE = DEFAULT_PAGE_SIZE;

/** The orders.list input for a set of filters: a day is midnight IST to the next midnight, as shown. */
export function historyInput(filters: HistoryFilters) {
  const states = STATUS_FILTERS[filters.status];
  const input: {
    limit: number;
    states?: OrderState[];
    symbol?: string;
    from?: string;
    to?: string;
  } = { limit: PAGE };
  if (states !== undefined) input.states = [...states];
  if (filters.symbol !== "") input.symbol = filters.symbol;
  if (filters.day !== "") Object.assign(input, marketDayRange(filters.day));
  return input;
}

export function OrderHistory() {
  const [filters, setFilters] = useState<HistoryFilters>({ status: "All", symbol: "", day: "" });
  const [open, setOpen] = useState<string | null>(null);
  const instruments = trpc.instruments.list.useQuery();
  const orders = trpc.orders.list.useInfiniteQuery(historyInput(filters), { getNextPageParam: (page) => page.nextCursor ?? undefined });
  const items = orders.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = filters.status !== "All" || filters.symbol !== "" || filters.day !== "";

  return (
    <>
      <form className="filters" aria-label="Filter orders" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value as StatusFilter })}>
            {Object.keys(STATUS_FILTERS).map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Symbol
          <select value={filters.symbol} onChange={(e) => setFilters({ ...filters, symbol: e.target.value })}>
            <option value="">All symbols</option>
            {(instruments.data ?? []).map((i) => (
              <option key={i.symbol}>{i.symbol}</option>
            ))}
          </select>
        </label>
        <label>
          Day (IST)
          <input type="date" value={filters.day} onChange={(e) => setFilters({ ...filters, day: e.target.value })} />
        </label>
        {filtered && (
          <button type="button" onClick={() => setFilters({ status: "All", symbol: "", day: "" })}>
            Clear filters
          </button>
        )}
      </form>
      {orders.isLoading ? (
        <Empty text="Loading order history…" />
      ) : orders.isError ? (
        <Failed what="order history" error={orders.error} />
      ) : items.length === 0 ? (
        <Empty text={filtered ? "No orders match these filters." : "No orders yet. Place one from the ticket."} />
      ) : (
        <div className="scroll-x">
          <table className="history">
            <OrderHead actions />
            <tbody>
              {items.map((o) => (
                <Fragment key={o.orderId}>
                  <tr data-order={o.orderId}>
                    <OrderCells order={o} />
                    <td>
                      <button
                        type="button"
                        aria-expanded={open === o.orderId}
                        aria-label={`Details of order ${o.orderId}`}
                        onClick={() => setOpen(open === o.orderId ? null : o.orderId)}
                      >
                        {open === o.orderId ? "Hide" : "Details"}
                      </button>
                    </td>
                  </tr>
                  {open === o.orderId && (
                    <tr className="detail">
                      <td colSpan={12}>
                        <OrderDetail orderId={o.orderId} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {orders.hasNextPage && (
        <button type="button" className="more" disabled={orders.isFetchingNextPage} onClick={() => void orders.fetchNextPage()}>
          {orders.isFetchingNextPage ? "Loading…" : "Load older orders"}
        </button>
      )}
    </>
  );
}

function OrderDetail({ orderId }: { orderId: string }) {
  const detail = trpc.orders.get.useQuery({ orderId });
  if (detail.isLoading) return <Empty text="Loading order…" />;
  if (detail.isError || detail.data === undefined) return <Failed what={`order ${orderId}`} error={detail.error} />;
  const o = detail.data;
  return (
    <div className="order-detail">
      <div>
        <h3>States</h3>
        <ol>
          {o.history.map((h, i) => (
            <li key={i}>
              {formatTime(h.time)} <strong>{h.state.replace("_", " ")}</strong> <span className="muted">{h.description}</span>
            </li>
          ))}
        </ol>
        {o.rejectMessage !== null && <p className="error">{o.rejectMessage}</p>}
      </div>
      <div>
        <h3>Fills</h3>
        {o.trades.length === 0 ? (
          <p className="muted">No fills</p>
        ) : (
          <ol>
            {o.trades.map((t) => (
              <li key={t.tradeId}>
                {formatTime(t.time)} {t.quantity} @ {formatInr(t.price)} <span className="muted">({t.tradeId})</span>
              </li>
            ))}
          </ol>
        )}
        <p className="muted">
          {o.clientOrderId === null ? "" : `Client id ${o.clientOrderId} · `}
          {o.validity}
        </p>
      </div>
    </div>
  );
}
