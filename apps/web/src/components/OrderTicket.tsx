// The order ticket validates as you type with the same zod schema the server uses, shows the
// estimated value against available funds, and shows a server rejection's reason.
import { orderRequestSchema, type OrderRequestInput } from "@trading/engine";
import { TRPCClientError } from "@trpc/client";
import { cloneElement, useEffect, useRef, useState, type FormEvent, type InputHTMLAttributes, type ReactElement } from "react";
import { formatInr } from "../format.js";
import { trpc } from "../trpc.js";

type Side = "BUY" | "SELL";

/** A request from the keyboard (B or S) to start an order on that side; `n` makes each press new. */
export interface SideRequest {
  side: Side;
  n: number;
}
type Type = "MARKET" | "LIMIT" | "SL" | "SL_M";

const num = (text: string): number | undefined => (text.trim() === "" ? undefined : Number(text));

export function OrderTicket({ symbol, ltp, sideRequest = null }: { symbol: string; ltp: number | undefined; sideRequest?: SideRequest | null }) {
  const [side, setSide] = useState<Side>("BUY");
  const [type, setType] = useState<Type>("MARKET");
  const [quantity, setQuantity] = useState("1");
  const [price, setPrice] = useState("");
  const [trigger, setTrigger] = useState("");
  const [ioc, setIoc] = useState(false);
  const [touched, setTouched] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [placed, setPlaced] = useState<string | null>(null);
  const funds = trpc.funds.get.useQuery();
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
  const request = {
    symbol,
    side,
    type,
    quantity: num(quantity),
    validity: ioc ? "IOC" : "DAY",
    ...(needsPrice ? { price: num(price) } : {}),
    ...(needsTrigger ? { triggerPrice: num(trigger) } : {}),
  } as OrderRequestInput;
  const parsed = orderRequestSchema.safeParse(request);
  const errors: Record<string, string> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "order")] ??= issue.message;
  const unit = needsPrice ? num(price) : type === "SL_M" ? num(trigger) : ltp;
  const estimate = (num(quantity) ?? 0) * (unit ?? 0);
  const available = funds.data?.available;
  const short = side === "BUY" && available !== undefined && estimate > available;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    setServerError(null);
    setPlaced(null);
    if (!parsed.success) return;
    try {
      const order = await place.mutateAsync(parsed.data);
      setPlaced(`${order.side} ${order.quantity} ${order.symbol}: order ${order.orderId} ${order.state.toLowerCase().replace("_", " ")}`);
    } catch (error) {
      const message = error instanceof TRPCClientError ? error.message : "The order could not be sent.";
      // Shown here; a rejected order also arrives as a toast from the order-update stream.
      setServerError(message);
    }
  };

  const shown = (name: string) => (touched ? errors[name] : undefined);
  const field = (name: string, label: string, input: ReactElement) => {
    const error = shown(name);
    const id = `ticket-${name}`;
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        {cloneElement(input as ReactElement<InputHTMLAttributes<HTMLInputElement>>, {
          id,
          onBlur: () => setTouched(true),
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
      <div className="sides" role="radiogroup" aria-label="Side">
        {(["BUY", "SELL"] as const).map((s) => (
          <button key={s} type="button" role="radio" aria-checked={side === s} className={`side ${s.toLowerCase()} ${side === s ? "on" : ""}`} onClick={() => setSide(s)}>
            {s}
          </button>
        ))}
      </div>
      <label>
        Type
        <select value={type} onChange={(e) => setType(e.target.value as Type)}>
          <option value="MARKET">Market</option>
          <option value="LIMIT">Limit</option>
          <option value="SL">Stop-loss limit</option>
          <option value="SL_M">Stop-loss market</option>
        </select>
      </label>
      {field("quantity", "Quantity", <input ref={quantityInput} inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.target.value)} />)}
      {needsPrice && field("price", "Price (₹)", <input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />)}
      {needsTrigger && field("triggerPrice", "Trigger (₹)", <input inputMode="decimal" value={trigger} onChange={(e) => setTrigger(e.target.value)} />)}
      <label className="check">
        <input type="checkbox" checked={ioc} onChange={(e) => setIoc(e.target.checked)} /> Immediate or cancel
      </label>
      {/* One line each, so ticking prices never move the button under a thumb. */}
      <dl className="estimate">
        <dt>Estimated value</dt>
        <dd data-estimate>{formatInr(estimate)}</dd>
        <dt>Available</dt>
        <dd data-available>{funds.isError ? "unknown (could not load funds)" : available === undefined ? "…" : formatInr(available)}</dd>
      </dl>
      <button type="submit" className={`submit ${side.toLowerCase()}`} disabled={place.isPending}>
        {place.isPending ? "Sending…" : `${side} ${symbol}`}
      </button>
      {short && (
        <p className="field-error" aria-live="polite">
          More than the funds available: the server will reject it.
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
