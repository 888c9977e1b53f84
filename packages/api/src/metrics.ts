// A small Prometheus registry: counters, gauges and histograms in the text exposition format.
import { monitorEventLoopDelay } from "node:perf_hooks";

type Labels = Record<string, string>;

const labelText = (labels: Labels): string => {
  const entries = Object.entries(labels);
  return entries.length === 0 ? "" : `{${entries.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`).join(",")}}`;
};

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [labels, value] of this.values) lines.push(`${this.name}${labels} ${value}`);
    return lines.join("\n");
  }
}

/** Bounds (seconds) of the tick latency histograms: fine below 50 ms, where the target is. */
const TICK_LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 1];

class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: number[],
  ) {}
  observe(value: number, labels: Labels = {}): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= (this.buckets[i] as number)) s.counts[i] = (s.counts[i] as number) + 1;
    s.sum += value;
    s.count += 1;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [labels, s] of this.series) {
      const inner = labels === "" ? "" : `${labels.slice(1, -1)},`;
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{${inner}le="${b}"} ${s.counts[i]}`));
      lines.push(
        `${this.name}_bucket{${inner}le="+Inf"} ${s.count}`,
        `${this.name}_sum${labels} ${s.sum}`,
        `${this.name}_count${labels} ${s.count}`,
      );
    }
    return lines.join("\n");
  }
}

export class Metrics {
  readonly ordersPlaced = new Counter("trading_orders_placed_total", "Orders accepted by the engine");
  readonly ordersRejected = new Counter("trading_orders_rejected_total", "Orders refused or rejected, by reason");
  readonly fills = new Counter("trading_fills_total", "Trades executed");
  readonly requests = new Counter("trading_http_requests_total", "HTTP requests by route and status");
  readonly slowSockets = new Counter("trading_websocket_slow_closed_total", "WebSockets closed for being too far behind");
  readonly tickMessages = new Counter("trading_tick_messages_total", "Tick messages the tick hub sent to its subscribers");
  readonly tickWrites = new Counter("trading_tick_writes_total", "Writes those messages took: one per socket per batch of ticks");
  readonly requestSeconds = new Histogram(
    "trading_http_request_seconds",
    "HTTP request latency",
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  );
  readonly commitSeconds = new Histogram(
    "trading_journal_commit_seconds",
    "Time to make a batch durable",
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
  );
  readonly tickFanoutSeconds = new Histogram(
    "trading_tick_fanout_seconds",
    "From a tick's time to its last send to this server's subscribers",
    TICK_LATENCY_BUCKETS,
  );
  readonly tickSendStartSeconds = new Histogram(
    "trading_tick_send_start_seconds",
    "From a tick's time to its first send here: a cluster's market stream and the wait for the event loop",
    TICK_LATENCY_BUCKETS,
  );
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private readonly gaugeReaders: Array<() => Record<string, Gauge>> = [];

  constructor() {
    this.loopDelay.enable();
  }

  /** Adds gauges read at scrape time. */
  addGauges(read: () => Record<string, Gauge>): void {
    this.gaugeReaders.push(read);
  }

  render(): string {
    const parts = [
      this.ordersPlaced,
      this.ordersRejected,
      this.fills,
      this.requests,
      this.slowSockets,
      this.tickMessages,
      this.tickWrites,
      this.requestSeconds,
      this.commitSeconds,
      this.tickFanoutSeconds,
      this.tickSendStartSeconds,
    ].map((m) => m.render());
    const memory = process.memoryUsage();
    const gauges: Record<string, Gauge> = {
      ...(Object.assign({}, ...this.gaugeReaders.map((read) => read())) as Record<string, Gauge>),
      nodejs_eventloop_lag_p99_seconds: {
        help: "Event-loop delay, 99th percentile since the last scrape",
        value: this.loopDelay.percentile(99) / 1e9,
      },
      nodejs_eventloop_lag_max_seconds: { help: "Event-loop delay, the longest since the last scrape", value: this.loopDelay.max / 1e9 },
      process_resident_memory_bytes: { help: "Resident memory of this process", value: memory.rss },
      nodejs_heap_used_bytes: { help: "JavaScript heap in use", value: memory.heapUsed },
      nodejs_external_memory_bytes: { help: "Memory held outside the JavaScript heap (buffers included)", value: memory.external },
    };
    for (const [name, g] of Object.entries(gauges)) {
      const lines = "series" in g ? g.series.map((s) => `${name}${labelText(s.labels)} ${s.value}`) : [`${name} ${g.value}`];
      parts.push(`# HELP ${name} ${g.help}\n# TYPE ${name} gauge${lines.length === 0 ? "" : `\n${lines.join("\n")}`}`);
    }
    this.loopDelay.reset();
    return `${parts.join("\n")}\n`;
  }

  close(): void {
    this.loopDelay.disable();
  }
}

/** A gauge read at scrape time: one value, or one per set of labels (e.g. per shard). */
export type Gauge = { help: string; value: number } | { help: string; series: Array<{ labels: Labels; value: number }> };
