// Market ticks to WebSocket subscribers, past tRPC's per-subscriber machinery. `market.onTick` keeps
// its contract (the same request, the same messages, byte for byte, so the typed client and the
// web app are unchanged), but the server answers it here: one subscription to the market's events
// for all subscribers, each tick turned into JSON once, and per subscriber only its envelope's id
// put in front, as a frame made once for all of them (ws-frames.ts); what one socket gets in one
// batch of ticks leaves in one write. tRPC's path costs a promise race, an async iterator step and
// an envelope object per subscriber per tick, which at thousands of sockets took more of the event
// loop than the writes themselves.
//
// The hub takes a subscription request whole or not at all: one from a socket without a valid key,
// over a cap or a rate limit, with an input the schema refuses, an unknown symbol, or a resume point
// this server has not reached goes on to tRPC, whose procedure answers it (with the same errors).
import type { WebSocket } from "ws";
import { SubscriberOverflowError, type BusSubscription } from "../bus.js";
import type { Platform } from "../platform.js";
import { holdSubscription } from "../procedures/streams.js";
import { latestTicks, onTickInput, tickDto, type TickDto, type TickEvent } from "../procedures/ticks.js";
import type { AuthedContext, Context } from "../trpc.js";
import { Outbox, outgoing, textFrame, type FrameSink, type Outgoing } from "./ws-frames.js";

const OPEN = 1;

interface Subscriber {
  socket: WebSocket;
  /** The connection under `socket`, which the hub's frames are written to (one for all its subscribers). */
  connection: Outgoing;
  /** `{"id":<id>,` and the request's jsonrpc, if it sent one: each message to it starts so. */
  prefix: string;
  /** The event its first prices were as of: ticks up to it, still on their way to the hub, are not sent again. */
  after: number;
  release: () => void;
}

interface SubscriptionRequest {
  id: number | string;
  jsonrpc?: "2.0";
  method: "subscription";
  params: { path: string; input?: unknown; lastEventId?: unknown };
}

export class TickHub {
  /** Subscribers of one symbol, and of every symbol. */
  private readonly bySymbol = new Map<string, Set<Subscriber>>();
  private readonly everySymbol = new Set<Subscriber>();
  /** Each socket's subscriptions by request id. */
  private readonly bySocket = new Map<WebSocket, Map<string, { subscriber: Subscriber; symbols: readonly string[] | null }>>();
  private stopped = false;
  /** The hub's one subscription to the market's events. */
  private live: BusSubscription;

  constructor(private readonly platform: Platform) {
    this.live = this.follow();
    void this.deliver();
  }

  private follow(): BusSubscription {
    return this.platform.marketEvents.bus.subscribe((e) => e.type === "price.tick");
  }

  /** Subscriptions the hub serves. */
  get size(): number {
    let n = 0;
    for (const subscriptions of this.bySocket.values()) n += subscriptions.size;
    return n;
  }

  stop(): void {
    this.stopped = true;
    this.live.close();
  }

  /** Sends every batch of ticks to their symbols' subscribers as it comes, until stopped. */
  private async deliver(): Promise<void> {
    const outbox = new Outbox();
    while (!this.stopped) {
      const events = await this.live.take().catch((error: unknown) => (error instanceof SubscriberOverflowError ? "behind" : null));
      if (events === null || this.stopped) return;
      let sent: TickEvent[] = [];
      const startedAt = this.platform.clock.now();
      if (events === "behind") {
        // More ticks came while the event loop was held up than the bus queues for anyone: rather
        // than send them all late, each subscriber gets its symbols' latest prices (what a
        // resuming subscriber gets), and the hub follows the market afresh from here.
        this.live = this.follow();
        this.sendLatest(outbox);
      } else {
        sent = events.filter((event): event is TickEvent => event.type === "price.tick" && this.send(event, outbox));
      }
      const { frames, writes } = outbox.flush();
      this.platform.metrics.tickMessages.inc({}, frames);
      this.platform.metrics.tickWrites.inc({}, writes);
      for (const event of sent) this.observeLag(event, startedAt);
      // Let the event loop turn (accept connections, read requests, run timers) before the next
      // batch. Ticks can arrive in microtasks, one after another (a cluster gateway draining the
      // market stream), and sent one batch each they would hold the loop for as long as the
      // backlog lasts; what arrives meanwhile goes out together in the next batch.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Puts a tick's message for each of its subscribers in `outbox`; false if nobody wanted it. */
  private send(event: TickEvent, outbox: Outbox): boolean {
    const subscribers = this.bySymbol.get(event.symbol);
    if ((subscribers === undefined || subscribers.size === 0) && this.everySymbol.size === 0) return false;
    const id = JSON.stringify(String(event.seq));
    const tail = dataTail(id, tickDto(this.platform, event));
    // Most subscribers share their request's id (a client's first subscription is 1, ...): the
    // message is encoded once per distinct id, and each socket sends the same bytes.
    const frames = new Map<string, Buffer>();
    for (const set of [subscribers, this.everySymbol]) {
      for (const subscriber of set ?? []) {
        if (subscriber.socket.readyState !== OPEN || event.seq <= subscriber.after) continue;
        let frame = frames.get(subscriber.prefix);
        if (frame === undefined) {
          frame = textFrame(subscriber.prefix + tail);
          frames.set(subscriber.prefix, frame);
        }
        outbox.add(subscriber.connection, frame);
      }
    }
    return frames.size > 0;
  }

  /** Puts each subscriber's latest prices in `outbox`, as of now; ticks up to now are not sent again. */
  private sendLatest(outbox: Outbox): void {
    const seq = this.platform.marketEvents.lastSeq;
    const id = JSON.stringify(String(seq));
    for (const [socket, subscriptions] of this.bySocket) {
      if (socket.readyState !== OPEN) continue;
      for (const { subscriber, symbols } of subscriptions.values()) {
        subscriber.after = seq;
        for (const tick of latestTicks(this.platform, symbols === null ? null : new Set(symbols), seq)) {
          outbox.add(subscriber.connection, textFrame(subscriber.prefix + dataTail(id, tick)));
        }
      }
    }
  }

  /**
   * How late the tick's sends began (`startedAt`) and ended (now), in real seconds: a simulated
   * clock runs `speed` times as fast.
   */
  private observeLag(event: TickEvent, startedAt: number): void {
    const { clock, metrics } = this.platform;
    const seconds = (at: number) => Math.max(0, at - event.time) / clock.speed / 1000;
    metrics.tickSendStartSeconds.observe(seconds(startedAt));
    metrics.tickFanoutSeconds.observe(seconds(clock.now()));
  }

  /**
   * Takes `message` (one request of a socket's frame) if it is one the hub answers: a tick
   * subscription it can serve, or the stop of one it serves. False leaves it to tRPC. `connection`
   * is the one under `socket`.
   */
  async take(socket: WebSocket, connection: FrameSink, ctx: Context | undefined, message: unknown): Promise<boolean> {
    if (!isObject(message)) return false;
    if (message.method === "subscription.stop") return this.stopOne(socket, message.id, message.jsonrpc);
    if (message.method !== "subscription" || !isObject(message.params) || message.params.path !== "market.onTick") return false;
    if (ctx === undefined || ctx.auth === null || ctx.connection === null) return false;
    return this.subscribe(socket, connection, ctx as AuthedContext, message as unknown as SubscriptionRequest);
  }

  private async subscribe(socket: WebSocket, connection: FrameSink, ctx: AuthedContext, request: SubscriptionRequest): Promise<boolean> {
    const { platform } = this;
    if (typeof request.id !== "number" && typeof request.id !== "string") return false;
    const key = String(request.id);
    if (this.bySocket.get(socket)?.has(key) === true) return false;
    const lastEventId = request.params.lastEventId;
    const rawInput = request.params.input;
    const input = onTickInput.safeParse(lastEventId === undefined ? rawInput : { ...(isObject(rawInput) ? rawInput : {}), lastEventId });
    if (!input.success) return false;
    const symbols = input.data?.symbols ?? null;
    if (symbols !== null && symbols.some((symbol) => platform.engine.instrument(symbol) === undefined)) return false;
    const source = platform.marketEvents;
    const resume = input.data?.lastEventId;
    if (resume !== undefined && resume !== null && Number(resume) > source.lastSeq) return false;
    const taken = await platform.limiter.take(ctx.auth.keyId);
    if (!taken.ok || socket.readyState !== OPEN) return false;
    let release: () => void;
    try {
      release = holdSubscription(ctx);
    } catch {
      return false;
    }
    const prefix = `{"id":${JSON.stringify(request.id)},${request.jsonrpc === undefined ? "" : `"jsonrpc":${JSON.stringify(request.jsonrpc)},`}`;
    const seq = source.lastSeq;
    let subscriptions = this.bySocket.get(socket);
    const shared = subscriptions?.values().next().value?.subscriber.connection;
    const subscriber: Subscriber = { socket, connection: shared ?? outgoing(connection), prefix, after: seq, release };
    if (subscriptions === undefined) {
      subscriptions = new Map();
      this.bySocket.set(socket, subscriptions);
      socket.once("close", () => this.dropSocket(socket));
    }
    subscriptions.set(key, { subscriber, symbols });
    socket.send(`${prefix}"result":{"type":"started"}}`);
    // A fresh or resuming subscriber starts from the latest prices (ticks are not replayed).
    const id = JSON.stringify(String(seq));
    const wanted = symbols === null ? null : new Set(symbols);
    for (const tick of latestTicks(platform, wanted, seq)) {
      socket.send(prefix + dataTail(id, tick));
    }
    if (symbols === null) this.everySymbol.add(subscriber);
    else for (const symbol of new Set(symbols)) this.setOf(symbol).add(subscriber);
    return true;
  }

  private setOf(symbol: string): Set<Subscriber> {
    let set = this.bySymbol.get(symbol);
    if (set === undefined) {
      set = new Set();
      this.bySymbol.set(symbol, set);
    }
    return set;
  }

  private stopOne(socket: WebSocket, id: unknown, jsonrpc: unknown): boolean {
    const subscriptions = this.bySocket.get(socket);
    const key = typeof id === "number" || typeof id === "string" ? String(id) : null;
    const entry = key === null ? undefined : subscriptions?.get(key);
    if (entry === undefined || key === null || subscriptions === undefined) return false;
    this.remove(entry.subscriber, entry.symbols);
    subscriptions.delete(key);
    const rpc = jsonrpc === undefined ? "" : `"jsonrpc":${JSON.stringify(jsonrpc)},`;
    if (socket.readyState === OPEN) socket.send(`{"id":${JSON.stringify(id)},${rpc}"result":{"type":"stopped"}}`);
    return true;
  }

  private dropSocket(socket: WebSocket): void {
    for (const { subscriber, symbols } of this.bySocket.get(socket)?.values() ?? []) this.remove(subscriber, symbols);
    this.bySocket.delete(socket);
  }

  private remove(subscriber: Subscriber, symbols: readonly string[] | null): void {
    subscriber.release();
    if (symbols === null) this.everySymbol.delete(subscriber);
    else for (const symbol of symbols) this.bySymbol.get(symbol)?.delete(subscriber);
  }
}

/** A data message after the subscriber's `{"id":…,` prefix: a tick, tracked by event id `id` (JSON). */
const dataTail = (id: string, tick: TickDto): string =>
  `"result":{"type":"data","id":${id},"data":{"id":${id},"data":${JSON.stringify(tick)}}}}`;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
