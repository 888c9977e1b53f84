// Input pieces several procedures (and their REST mirrors) share, with messages that say what is
// allowed rather than zod's defaults ("Too big: expected number to be <=500"). As with the order
// schema, a message leaves out the field's name: errors list messages by field.
import { DEFAULT_PAGE_SIZE, MAX_ID_LENGTH, MAX_PAGE_SIZE, ORDER_STATES, candleIntervalSchema, symbolSchema } from "@trading/engine";
import { z } from "zod";

/** How many items to answer: a whole number from 1 to `max`, `fallback` when not given. */
export function pageSize(max: number, fallback: number) {
  const message = `must be a whole number from 1 to ${max.toLocaleString("en-IN")}`;
  return z.number({ error: message }).int({ error: message }).min(1, { error: message }).max(max, { error: message }).default(fallback);
}

/** A moment, as an ISO 8601 time in UTC. */
export const isoTime = () => z.iso.datetime({ error: "must be a UTC time such as 2026-11-25T09:15:00Z" });

/** Free text or an id: required, and at most `max` characters. */
export const text = (max: number) =>
  z
    .string()
    .min(1, "is required")
    .max(max, `is at most ${max.toLocaleString("en-IN")} characters`);

export const orderStateInput = z.enum(ORDER_STATES, { error: `must be one of ${ORDER_STATES.join(", ")}` });

/** What `market.candles` and its REST mirror take. */
export const candlesInput = () =>
  z.object({
    symbol: symbolSchema,
    interval: candleIntervalSchema.default("1m"),
    from: isoTime().optional(),
    to: isoTime().optional(),
    limit: pageSize(5_000, 500),
  });

/** An id as callers send it (an order's, a key's, a clientOrderId in REST's flat body). */
export const idText = () => text(MAX_ID_LENGTH);
export const orderIdSchema = idText();
/** A cursor from the previous page. */
export const cursorText = () => text(200);
/** How many orders or trades a page holds. */
export const pageLimitSchema = pageSize(MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
