// The order ticket validates as you type with the same zod schema the server uses (and the
// instrument's tick size, naming the nearest valid prices), shows what the order would block (the
// server's margin for it: a delivery BUY's value, an intraday order's margin, with charges) against
// available funds, the free shares for a delivery SELL, and a server rejection's reason.
import {
  isAfterMarket,
  nearestTicks,
  orderCharges,
  type ChargeRates,
  orderRequestSchema,
  paiseToRupees,
  rupeesToPaise,
  waitingForOf,
  type MarketPhase,
  type OrderRequestInput,
} from "@trading/engine";
import { TRPCClientError } from "@trpc/client";
import {
  cloneElement,
  useEffect,
  useRef,
  useState,
  type ChangeEvent,
  type FormEvent,
  type InputHTMLAttributes,
  type ReactElement,
} from "react";
import { formatInr } from "../format.js";
import { trpc } from "../trpc.js";
import { Choice, WAITING_TEXT } from "./common.js";

type Side = "BUY" | "SELL";

/** A request from the keyboard (B or S) to start an order on that side; `n` makes each press new. */
export interface SideRequest {
  side: Side;
  n: number;
}
type Type = "MARKET" | "LIMIT" | "SL" | "SL_M";
type Product = "CNC" | "MIS";

const PRODUCT_CHOICES = [
  {
    value: "CNC" as const,
    text: (
      <>
        Delivery <span className="muted">CNC</span>
      </>
    ),
    title: "CNC: paid in full, held as holdings",
    className: "product",
  },
  {
    value: "MIS" as const,
    text: (
      <>
        Intraday <span className="muted">MIS</span>
      </>
    ),
    title: "MIS: on margin, short selling allowed, squared off at 15:20 IST",
    className: "product",
  },
];

/**
 * What a field holds, for the schema: a number only when it is written as plain decimal digits,
 * so "10abc", "1e1" or "0x10" reach the schema as text and are refused, never read as NaN or 10.
 */
const fieldValue = (text: string): number | string | undefined => {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
};
const asNumber = (value: number | string | undefined): number | undefined => (typeof value === "number" ? value : undefined);

/** Why a price is not on the instrument's tick size, with the nearest ones that are; null when it is. */
function offTick(price: number | undefined, tickSize: number | undefined): string | null {
  const paise = price === undefined ? undefined : rupeesToPaise(price);
  const tick = tickSize === undefined ? undefined : rupeesToPaise(tickSize);
  if (paise === undefined || tick === undefined) return null;
  const nearest = nearestTicks(paise, tick);
  if (nearest === null) return null;
  return `must be a multiple of ${formatInr(tickSize ?? 0)}: ${formatInr(paiseToRupees(nearest.below))} or ${formatInr(paiseToRupees(nearest.above))}`;
}

/** Why a price is outside today's band; null when it is inside (or there is none). */
function outsideBand(price: number | undefined, band: Band | null | undefined): string | null {
  if (price === undefined || band === null || band === undefined || (price >= band.lower && price <= band.upper)) return null;
  return `must be within today's band, ${formatInr(band.lower)} to ${formatInr(band.upper)}`;
}

type Band = { lower: number; upper: number };

/** What an order of `value` rupees would pay in charges (alone today), as the server's rates say; undefined without them. */
function chargesEstimate(
  rates: ChargeRates | null | undefined,
  order: { symbol: string; side: Side; product: Product; exchange: "NSE" | "BSE" },
  value: number | undefined,
): number | undefined {
  if (rates === null || rates === undefined || value === undefined) return undefined;
  const paise = rupeesToPaise(Math.round(value * 100) / 100);
  if (paise === undefined) return undefined;
  return paiseToRupees(orderCharges({ ...order, value: paise }, rates).total);
}

/** When an order placed now meets the market, if not at once: an after-market order waits (see the engine's waiting rules). */
export function entryNote(phase: MarketPhase | undefined, type: Type, validity: "DAY" | "IOC"): string | null {
  if (phase === undefined) return null;
  const waits = waitingForOf(phase, { type, validity });
  if (waits === null)
    return phase === "pre-open" ? "Pre-open: joins the opening auction at 09:08 IST if its price crosses the opening price." : null;
  return `${isAfterMarket(waits) ? "After-market order: it " : "It "}${WAITING_TEXT[waits]}.`;
}

export function OrderTicket({
  symbol,
  ltp,
  tickSize,
  band,
  exchange = "NSE",
  sideRequest = null,
}: {
  symbol: string;
  ltp: number | undefined;
  /** The instrument's tick size in rupees; prices off it are flagged while typing. */
  tickSize?: number | undefined;
  /** Today's price band in rupees; prices outside it are flagged while typing. */
  band?: Band | null | undefined;
  /** Where it trades: exchange charges differ (NSE when unknown). */
  exchange?: "NSE" | "BSE" | undefined;
  sideRequest?: SideRequest | null;
}) {
  const [side, setSide] = useState<Side>("BUY");
  const [type, setType] = useState<Type>("MARKET");
  const [quantity, setQuantity] = useState("1");
  const [price, setPrice] = useState("");
  const [trigger, setTrigger] = useState("");
  const [ioc, setIoc] = useState(false);
  const [product, setProduct] = useState<Product>("CNC");
  /** Fields whose errors show: each once typed in or left, all once the order is sent. */
  const [touched, setTouched] = useState<ReadonlySet<string> | "all">(new Set());
  const touch = (name: string) => setTouched((t) => (t === "all" || t.has(name) ? t : new Set([...t, name])));
  const [serverError, setServerError] = useState<string | null>(null);
  const [placed, setPlaced] = useState<string | null>(null);
  const funds = trpc.funds.get.useQuery();
  const market = trpc.market.status.useQuery(undefined, { refetchInterval: 30_000 });
  const rates = trpc.charges.rates.useQuery(undefined, { staleTime: Infinity });
  const holdings = trpc.portfolio.holdings.useQuery(undefined, { enabled: side === "SELL" });
  const place = trpc.orders.place.useMutation();
  const quantityInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (sideRequest === null) return;
    setSide(sideRequest.side);
    quantityInput.current?.focus();
    quantityInput.current?.select();
  }, [sideRequest]);

  const needsPrice = type === "LIMIT" || type === "SL";
  const needsTrigger = type === "SL" || type === "SL_M";
  const prices = { price: needsPrice ? fieldValue(price) : undefined, triggerPrice: needsTrigger ? fieldValue(trigger) : undefined };
  const request = {
    symbol,
    side,
    type,
    quantity: fieldValue(quantity),
    validity: ioc ? "IOC" : "DAY",
    product,
    ...(needsPrice ? { price: prices.price } : {}),
    ...(needsTrigger ? { triggerPrice: prices.triggerPrice } : {}),
  } as OrderRequestInput;
  const entry = entryNote(market.data?.phase, type, ioc ? "IOC" : "DAY");
  const parsed = orderRequestSchema.safeParse(request);
  const errors: Record<string, string> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "order")] ??= issue.message;
  for (const name of ["price", "triggerPrice"] as const) {
    const tickProblem = offTick(asNumber(prices[name]), tickSize) ?? outsideBand(asNumber(prices[name]), band);
    if (tickProblem !== null) errors[name] ??= tickProblem;
    if (errors[name] === "is required" && ltp !== undefined) errors[name] = `is required (the last price is ${formatInr(ltp)})`;
  }
  const valid = Object.keys(errors).length === 0;
  const shares = errors.quantity === undefined ? asNumber(request.quantity) : undefined;
  const unit = needsPrice ? asNumber(prices.price) : type === "SL_M" ? asNumber(prices.triggerPrice) : ltp;
  const estimate = shares === undefined || unit === undefined ? undefined : shares * unit;
  const charges = chargesEstimate(rates.data, { symbol, side, product, exchange }, estimate);
  // What the server would block for it, as it would size it now (an intraday exit blocks nothing).
  const margin = trpc.margins.basket.useQuery(
    { orders: parsed.success ? [parsed.data] : [] },
    { enabled: parsed.success && valid && estimate !== undefined, placeholderData: (previous) => previous },
  );
  const blocks = product === "MIS" || side === "BUY";
  // Until the server answers (or if it cannot), a delivery BUY needs its value and charges.
  const local = product === "CNC" && side === "BUY" && estimate !== undefined ? estimate + (charges ?? 0) : undefined;
  const required = blocks && parsed.success && valid ? (margin.data?.orders[0]?.blocked ?? local) : undefined;
  const available = funds.data?.available;
  const held = holdings.data?.find((h) => h.symbol === symbol);
  const freeShares = holdings.data === undefined ? undefined : held === undefined ? 0 : held.quantity - held.reservedQuantity;
  const short = blocks && available !== undefined && required !== undefined && required > available;
  const oversold = side === "SELL" && product === "CNC" && freeShares !== undefined && shares !== undefined && shares > freeShares;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched("all");
    setServerError(null);
    setPlaced(null);
    if (!parsed.success || !valid) return;
    try {
      const order = await place.mutateAsync(parsed.data);
      setPlaced(`${order.side} ${order.quantity} ${order.symbol}: order ${order.orderId} ${order.state.toLowerCase().replace("_", " ")}`);
    } catch (error) {
      const message = error instanceof TRPCClientError ? error.message : "The order could not be sent.";
      // Shown here; a rejected order also arrives as a toast from the order-update stream.
      setServerError(message);
    }
  };

  const shown = (name: string) => (touched === "all" || touched.has(name) ? errors[name] : undefined);
  const field = (name: string, label: string, input: ReactElement) => {
    const error = shown(name);
    const id = `ticket-${name}`;
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        {cloneElement(input as ReactElement<InputHTMLAttributes<HTMLInputElement>>, {
          id,
          // A field's errors show as soon as it is typed in, or left.
          onChange: (event: ChangeEvent<HTMLInputElement>) => {
            (input.props as InputHTMLAttributes<HTMLInputElement>).onChange?.(event);
            touch(name);
          },
          onBlur: () => touch(name),
          "aria-invalid": error !== undefined,
          "aria-describedby": error === undefined ? undefined : `${id}-error`,
        })}
        {error !== undefined && (
          <span id={`${id}-error`} className="field-error">
            {error}
          </span>
        )}
      </div>
    );
  };

  return (
    <form
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        // Escape leaves the ticket for the watchlist, where the hotkeys work again.
        if (e.key === "Escape") document.querySelector<HTMLElement>(`[data-symbol="${symbol}"]`)?.focus();
      }}
      noValidate
      aria-label={`Order ticket for ${symbol}`}
    >
      <Choice
        label="Side"
        className="sides"
        value={side}
        onChange={setSide}
        options={(["BUY", "SELL"] as const).map((s) => ({ value: s, text: s, className: `side ${s.toLowerCase()}` }))}
      />
      <Choice label="Product" className="products" value={product} onChange={setProduct} options={PRODUCT_CHOICES} />
      <label>
        Type
        <select value={type} onChange={(e) => setType(e.target.value as Type)}>
          <option value="MARKET">Market</option>
          <option value="LIMIT">Limit</option>
          <option value="SL">Stop-loss limit</option>
          <option value="SL_M">Stop-loss market</option>
        </select>
      </label>
      {field(
        "quantity",
        "Quantity",
        <input ref={quantityInput} inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.target.value)} />,
      )}
      {needsPrice && field("price", "Price (₹)", <input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />)}
      {needsTrigger &&
        field("triggerPrice", "Trigger (₹)", <input inputMode="decimal" value={trigger} onChange={(e) => setTrigger(e.target.value)} />)}
      {(needsPrice || needsTrigger) && tickSize !== undefined && (
        <p className="muted price-rules">
          Tick {formatInr(tickSize)}
          {band === null || band === undefined ? "" : ` · band ${formatInr(band.lower)} to ${formatInr(band.upper)}`}
        </p>
      )}
      <label className="check">
        <input type="checkbox" checked={ioc} onChange={(e) => setIoc(e.target.checked)} /> Immediate or cancel
      </label>
      {entry !== null && (
        <p className="entry-note" data-entry>
          {entry}
        </p>
      )}
      {/* One line each, so ticking prices never move the button under a thumb. */}
      <dl className="estimate">
        <dt>Estimated value</dt>
        <dd data-estimate>{estimate === undefined ? "—" : formatInr(estimate)}</dd>
        {charges !== undefined && (
          <>
            <dt title="Brokerage, STT, exchange charges, fees and GST, as this order alone today">Charges (est.)</dt>
            <dd data-charges>{formatInr(charges)}</dd>
          </>
        )}
        {blocks && (
          <>
            <dt title="What placing it blocks now: a delivery BUY's value, an intraday order's margin (an exit needs none), and room for charges">
              {product === "MIS" ? "Margin required" : "Funds required"}
            </dt>
            <dd data-margin>{margin.isError ? "unknown" : required === undefined ? "—" : formatInr(required)}</dd>
          </>
        )}
        {blocks ? (
          <>
            <dt>Available</dt>
            <dd data-available>
              {funds.isError ? "unknown (could not load funds)" : available === undefined ? "…" : formatInr(available)}
            </dd>
          </>
        ) : (
          <>
            <dt>Free shares</dt>
            <dd data-free-shares>
              {holdings.isError ? "unknown (could not load holdings)" : freeShares === undefined ? "…" : String(freeShares)}
            </dd>
          </>
        )}
      </dl>
      <button type="submit" className={`submit ${side.toLowerCase()}`} disabled={place.isPending}>
        {place.isPending ? "Sending…" : `${side} ${symbol}`}
      </button>
      {short && (
        <p className="field-error" aria-live="polite">
          More than the funds available: the server will reject it.
        </p>
      )}
      {oversold && (
        <p className="field-error" aria-live="polite">
          More than your {freeShares} free shares (shares in open SELL orders are taken): the server will reject it.
        </p>
      )}
      {placed !== null && (
        <p className="muted" aria-live="polite" data-placed>
          {placed}
        </p>
      )}
      {serverError !== null && (
        <p role="alert" className="error">
          {serverError}
        </p>
      )}
    </form>
  );
}
