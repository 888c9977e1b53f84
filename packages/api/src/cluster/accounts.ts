// Reads of users' accounts between gateways and engines, over NATS request and reply: a gateway
// asks the subject of the user's shard (`<cluster>.accounts.<shard>`), the engine that owns the
// shard answers from its engine. A read that reached no owner (a takeover) is asked again until
// the deadline; reads change nothing, so one that timed out may be asked again too.
import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import type { AccountReader } from "../accounts.js";
import type { EngineReader } from "../command-queue.js";
import { localAccounts } from "../accounts.js";
import { shardOf } from "./shards.js";
import { ShardUnavailableError } from "./commands.js";
import { retrying } from "./retry.js";

export function accountsSubject(clusterName: string, shard: number): string {
  return `${clusterName}.accounts.${shard}`;
}

type Query = { [K in keyof AccountReader]: { method: K; args: Parameters<AccountReader[K]> } }[keyof AccountReader];

/**
 * Answers a shard's account reads from NATS until unsubscribed (`engine` is read at each call),
 * while `holds()` says this engine may answer for the shard; otherwise it says so, and the asker
 * asks again (the shard's new owner, in time).
 */
export function serveAccounts(
  nc: NatsConnection,
  clusterName: string,
  shard: number,
  engine: () => EngineReader,
  holds: () => boolean,
): Subscription {
  const local = localAccounts(engine);
  return nc.subscribe(accountsSubject(clusterName, shard), {
    queue: `${clusterName}.accounts.${shard}`,
    callback: (error, msg) => {
      if (error === null) void answer(msg, local, holds);
    },
  });
}

async function answer(msg: Msg, local: AccountReader, holds: () => boolean): Promise<void> {
  if (!holds()) {
    msg.respond(JSON.stringify({ notOwner: true }));
    return;
  }
  try {
    msg.respond(JSON.stringify({ value: (await read(local, msg.json<Query>())) ?? null }));
  } catch (error) {
    msg.respond(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
  }
}

function read(local: AccountReader, query: Query): Promise<unknown> {
  switch (query.method) {
    case "funds":
      return local.funds(...query.args);
    case "holdings":
      return local.holdings(...query.args);
    case "positions":
      return local.positions(...query.args);
    case "basketMargin":
      return local.basketMargin(...query.args);
    case "openOrders":
      return local.openOrders(...query.args);
    case "openOrdersNow":
      return local.openOrdersNow(...query.args);
    case "hasClientOrderId":
      return local.hasClientOrderId(...query.args);
  }
}

/** A gateway's reader of accounts that live on the cluster's engines. */
export function remoteAccounts(
  nc: NatsConnection,
  options: { clusterName: string; shards: number; requestTimeoutMs: number; deadlineMs: number },
): AccountReader {
  const ask = async <T>(userId: string, query: Query): Promise<T> => {
    const shard = shardOf(userId, options.shards);
    const subject = accountsSubject(options.clusterName, shard);
    // No owner answered, or one that no longer holds the shard: ask again until the deadline.
    const reply = await retrying(options.deadlineMs, () =>
      nc
        .request(subject, JSON.stringify(query), { timeout: options.requestTimeoutMs })
        .then((msg) => msg.json<{ value: T | null } | { error: string } | { notOwner: true }>())
        .then((reply) => ("notOwner" in reply ? undefined : reply))
        .catch(() => undefined),
    );
    if (reply === undefined) throw new ShardUnavailableError(shard, false, `no engine answered for shard ${shard}`);
    if ("error" in reply) throw new ShardUnavailableError(shard, false, reply.error);
    return (reply.value ?? undefined) as T;
  };
  return {
    funds: (userId) => ask(userId, { method: "funds", args: [userId] }),
    holdings: (userId) => ask(userId, { method: "holdings", args: [userId] }),
    positions: (userId) => ask(userId, { method: "positions", args: [userId] }),
    basketMargin: (userId, orders) => ask(userId, { method: "basketMargin", args: [userId, orders] }),
    openOrders: (userId, symbol) => ask(userId, { method: "openOrders", args: [userId, symbol] }),
    openOrdersNow: (userId) => ask(userId, { method: "openOrdersNow", args: [userId] }),
    hasClientOrderId: (userId, clientOrderId) => ask(userId, { method: "hasClientOrderId", args: [userId, clientOrderId] }),
  };
}
