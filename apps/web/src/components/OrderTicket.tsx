// The order ticket validates as you type with the same zod schema the server uses, shows the
// estimated value against available funds, and shows a server rejection's reason.
import { orderRequestSchema, type OrderRequestInput } from "@trading/engine";
import { TRPCClientError } from "@trpc/client";
import { useState, type FormEvent } from "react";
import { formatInr } from "../format.js";
import { trpc } from "../trpc.js";

type Side = "BUY" | "SELL";
type Type = "MARKET" | "LIMIT" | "SL" | "SL_M";

const num = (text: string): number | undefined => (text.trim() === "" ? undefined : Number(text));

export function OrderTicket({ symbol, ltp }: { symbol: string; ltp: number | undefined }) {
  const [side, setSide] = useState<Side>("BUY");
  const [type, setType] = useState<Type>("MARKET");
  const [quantity, setQuantity] = useState("1");
  const [price, setPrice] = useState("");
  const [trigger, setTrigger] = useState("");
  const [ioc, setIoc] = useState(false);
  const [touched, setTouched] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const funds = trpc.funds.get.useQuery();
  const place = trpc.orders.place.useMutation();

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

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    setServerError(null);
    if (!parsed.success) return;
    try {
      await place.mutateAsync(parsed.data);
    } catch (error) {
      const message = error instanceof TRPCClientError ? error.message : "The order could not be sent.";
      // Shown here; a rejected order also arrives as a toast from the order-update stream.
      setServerError(message);
    }
  };

  const field = (name: string) => (touched && errors[name] !== undefined ? <span className="field-error">{errors[name]}</span> : null);

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={`Order ticket for ${symbol}`}>
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
      <label>
        Quantity
        <input inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.target.value)} onBlur={() => setTouched(true)} aria-invalid={touched && errors.quantity !== undefined} />
        {field("quantity")}
      </label>
      {needsPrice && (
        <label>
          Price (₹)
          <input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} onBlur={() => setTouched(true)} aria-invalid={touched && errors.price !== undefined} />
          {field("price")}
        </label>
      )}
      {needsTrigger && (
        <label>
          Trigger (₹)
          <input inputMode="decimal" value={trigger} onChange={(e) => setTrigger(e.target.value)} onBlur={() => setTouched(true)} aria-invalid={touched && errors.triggerPrice !== undefined} />
          {field("triggerPrice")}
        </label>
      )}
      <label className="check">
        <input type="checkbox" checked={ioc} onChange={(e) => setIoc(e.target.checked)} /> Immediate or cancel
      </label>
      <p className="muted">
        Estimated value {formatInr(estimate)} · Available {funds.data === undefined ? "…" : formatInr(funds.data.available)}
      </p>
      <button type="submit" className={`submit ${side.toLowerCase()}`} disabled={place.isPending}>
        {place.isPending ? "Sending…" : `${side} ${symbol}`}
      </button>
      {serverError !== null && (
        <p role="alert" className="error">
          {serverError}
        </p>
      )}
    </form>
  );
}
