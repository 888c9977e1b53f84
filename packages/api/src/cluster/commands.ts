// Commands between gateways and engines, over NATS request and reply. A gateway sends a user's
// command to the subject of the user's shard; the engine that owns the shard (in a queue group, so
// one engine takes each) applies it through the shard's command queue, stamped with its time and
// ids, and answers once the batch is durable in PostgreSQL. A command that reached no owner, or an
// owner that had just lost the shard, was not applied: the gateway sends it again until an owner
// answers or its deadline passes. One that timed out may have been: it is not sent again.
import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import type { CommandResult } from "@trading/engine";
import { NotOwnerError, QueueClosedError, stampCommand, type CommandQueue, type CommandTemplate } from "../command-queue.js";
import { retrying } from "./retry.js";
import { shardOf } from "./shards.js";

export function commandSubject(clusterName: string, shard: number): string {
  return `${clusterName}.cmd.${shard}`;
}

/** What an engine answers: the result, or why the command was not applied. */
type Reply = { result: CommandResult } | { refused: "not-owner" | "closed" | "failed"; message: string };

/** Serves a shard's commands from NATS until unsubscribed. */
export function serveCommands(nc: NatsConnection, clusterName: string, shard: number, queue: CommandQueue): Subscription {
  return nc.subscribe(commandSubject(clusterName, shard), {
    queue: `${clusterName}.shard.${shard}`,
    callback: (error, msg) => {
      if (error === null) void answer(msg, queue);
    },
  });
}

async function answer(msg: Msg, queue: CommandQueue): Promise<void> {
  let reply: Reply;
  try {
    const template = msg.json<CommandTemplate>();
    reply = { result: await queue.submit((stamp) => stampCommand(template, stamp)) };
  } catch (error) {
    const refused = error instanceof NotOwnerError ? "not-owner" : error instanceof QueueClosedError ? "closed" : "failed";
    reply = { refused, message: error instanceof Error ? error.message : String(error) };
  }
  msg.respond(JSON.stringify(reply));
}

/** No engine applied the command in time; it was not applied, or (after a timeout) may have been. */
export class ShardUnavailableError extends Error {
  constructor(
    readonly shard: number,
    readonly mayHaveApplied: boolean,
    message: string,
  ) {
    super(message);
    this.name = "ShardUnavailableError";
  }
}

export interface RouterOptions {
  clusterName: string;
  shards: number;
  /** How long one request waits for its answer (a durable batch). */
  requestTimeoutMs: number;
  /** How long a command may keep looking for its shard's owner (during a takeover). */
  deadlineMs: number;
}

/** A gateway's way to its users' shards. */
export class ShardRouter {
  constructor(
    private readonly nc: NatsConnection,
    private readonly options: RouterOptions,
  ) {}

  shardOf(userId: string): number {
    return shardOf(userId, this.options.shards);
  }

  /** Applies a command on the user's shard; the result once it is durable. */
  submit(userId: string, template: CommandTemplate): Promise<CommandResult> {
    return this.submitTo(this.shardOf(userId), template);
  }

  /** Applies a command on every shard (instruments, sessions): each shard's result, in shard order. */
  broadcast(template: CommandTemplate): Promise<CommandResult[]> {
    return Promise.all(Array.from({ length: this.options.shards }, (_, shard) => this.submitTo(shard, template)));
  }

  async submitTo(shard: number, template: CommandTemplate): Promise<CommandResult> {
    const subject = commandSubject(this.options.clusterName, shard);
    const payload = JSON.stringify(template);
    let refusal = `no engine owns shard ${shard} right now`;
    const result = await retrying(this.options.deadlineMs, async () => {
      let reply: Reply;
      try {
        reply = (await this.nc.request(subject, payload, { timeout: this.options.requestTimeoutMs })).json<Reply>();
      } catch (error) {
        if (!isNoResponders(error)) throw new ShardUnavailableError(shard, true, `shard ${shard} did not answer in time`);
        return undefined;
      }
      if ("result" in reply) return reply.result;
      refusal = reply.message;
      if (reply.refused === "failed") throw new ShardUnavailableError(shard, false, reply.message);
      return undefined;
    });
    if (result === undefined) throw new ShardUnavailableError(shard, false, refusal);
    return result;
  }
}

function isNoResponders(error: unknown): boolean {
  return (
    typeof (error as { isNoResponders?: unknown }).isNoResponders === "function" &&
    (error as { isNoResponders(): boolean }).isNoResponders()
  );
}
