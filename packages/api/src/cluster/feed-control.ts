// An admin's market controls in a cluster (list an instrument, set a price, open or close the
// session, pause or resume the feed) go to the feed's leader over NATS request and reply
// (`<cluster>.feed.control`): it is the market stream's only writer, so each change takes its
// place among the ticks, the same place on every shard. The leader checks a command as the
// engines will and answers with the refusal, or with the command's place in the stream once
// published. While no leader answers (a takeover), the request is sent again until the deadline.
import type { NatsConnection } from "@nats-io/transport-node";
import type { ReasonCode } from "@trading/engine";
import type { MarketCommand } from "./market-stream.js";
import { retrying } from "./retry.js";

export function feedControlSubject(clusterName: string): string {
  return `${clusterName}.feed.control`;
}

export type FeedRequest = { op: "command"; command: MarketCommand } | { op: "pause" } | { op: "resume" };

export type FeedReply =
  { ok: true; feedSeq: number; running: boolean } | { ok: false; code: ReasonCode; message: string } | { notLeader: true };

export type FeedAnswer = Exclude<FeedReply, { notLeader: true }>;

/** No feed leader answered before the deadline. */
export class FeedUnavailableError extends Error {
  constructor() {
    super("no feed process leads the market right now; retry shortly");
    this.name = "FeedUnavailableError";
  }
}

export function feedControl(
  nc: NatsConnection,
  options: { clusterName: string; requestTimeoutMs: number; deadlineMs: number },
): (request: FeedRequest) => Promise<FeedAnswer> {
  const subject = feedControlSubject(options.clusterName);
  return (request) =>
    retrying(options.deadlineMs, async () => {
      const reply = await nc
        .request(subject, JSON.stringify(request), { timeout: options.requestTimeoutMs })
        .then((msg) => msg.json<FeedReply>())
        .catch(() => null);
      return reply === null || "notLeader" in reply ? undefined : reply;
    }).then((answer) => {
      if (answer === undefined) throw new FeedUnavailableError();
      return answer;
    });
}
