// Input pieces several procedures (and their REST mirrors) share, with messages that say what is
// allowed rather than zod's defaults ("Too big: expected number to be <=500").
import { ORDER_STATES } from "@trading/engine";
import { z } from "zod";

/** How many items to answer: a whole number from 1 to `max`, `fallback` when not given. */
export function pageSize(max: number, fallback: number) {
  const message = `limit must be a whole number from 1 to ${max.toLocaleString("en-IN")}`;
  return z.number({ error: message }).int({ error: message }).min(1, { error: message }).max(max, { error: message }).default(fallback);
}

/** A moment, as an ISO 8601 time in UTC. */
export function isoTime(label: string) {
  return z.iso.datetime({ error: `${label} must be a UTC time such as 2026-11-25T09:15:00Z` });
}

export const orderStateInput = z.enum(ORDER_STATES, { error: `state must be one of ${ORDER_STATES.join(", ")}` });
