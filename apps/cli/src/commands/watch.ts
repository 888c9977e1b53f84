// `trade watch`: live ticks and the user's own order updates and fills, one line each, until
// Ctrl-C; it lasts across server restarts and dropped connections.
import type { Command } from "commander";
import { clock } from "../clock.js";
import type { Io } from "../io.js";
import { lasting } from "../lasting.js";
import { bold, dim, percent, rupees } from "../output.js";
import { connect, define, orderLine, outputOf } from "./shared.js";

export function watchCommand(io: Io): Command {
  return define("watch", "live ticks and your own order updates and fills, until Ctrl-C", [
    "trade watch INFY TCS",
    "trade watch --no-ticks --json",
  ])
    .argument("[symbols...]", "only these symbols' ticks (all when none)")
    .option("--no-ticks", "only order updates")
    .action(async (symbols: string[], options: { ticks: boolean }, command: Command) => {
      const json = outputOf(command).json;
      const client = await connect(io);
      const emit = (record: Record<string, unknown>, human: string) => io.out.write(json ? `${JSON.stringify(record)}\n` : `${human}\n`);
      await new Promise<void>((resolve, reject) => {
        const fail = (error: unknown) => {
          client.close();
          reject(error instanceof Error ? error : new Error(String(error)));
        };
        const subscriptions = [
          lasting(fail, (onError) =>
            client.orders.onUpdate.subscribe(undefined, {
              onData: ({ data }) =>
                emit(
                  { kind: "order", ...data },
                  `${dim(clock(data.order.updatedAt))} ${bold(data.type.toUpperCase())} ${orderLine(data.order)}`,
                ),
              onError,
            }),
          ),
        ];
        if (options.ticks) {
          const input = symbols.length === 0 ? undefined : { symbols: symbols.map((s) => s.toUpperCase()) };
          subscriptions.push(
            lasting(fail, (onError) =>
              client.market.onTick.subscribe(input, {
                onData: ({ data }) =>
                  emit(
                    { kind: "tick", ...data },
                    `${dim(clock(data.time))} ${data.symbol.padEnd(12)} ${rupees(data.price).padStart(14)} ${percent(data.changePercent)}`,
                  ),
                onError,
              }),
            ),
          );
        }
        io.onInterrupt(() => {
          for (const s of subscriptions) s.unsubscribe();
          client.close();
          resolve();
        });
      });
    });
}
