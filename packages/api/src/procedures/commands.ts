// Commands from procedures reach the single writer here, with its failures made safe to show.
import type { CommandResult } from "@trading/engine";
import { unavailable } from "../errors.js";
import { QueueClosedError, JournalError, type CommandTemplate } from "../command-queue.js";
import type { Platform } from "../platform.js";

/** Runs a command through the queue; server-side failures become safe, typed errors. */
export async function submitCommand(platform: Platform, template: CommandTemplate): Promise<CommandResult> {
  try {
    return await platform.submit(template);
  } catch (error) {
    if (error instanceof JournalError) throw unavailable(error.message);
    if (error instanceof QueueClosedError) throw unavailable("the server is shutting down; retry shortly");
    throw error;
  }
}
