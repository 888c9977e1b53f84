// Candlesticks of the selected instrument in the interval the trader picks: history from the API,
// the last candle moved by live prices, the user's own fills marked on it, drawn with
// lightweight-charts. Times are on the market's clock (IST) in any browser.
import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type Time,
  type UTCTimestamp,
} from "lightweight-charts";
import { CANDLE_INTERVALS, intervalStart, type CandleInterval } from "@trading/engine";
import { useEffect, useRef, useState } from "react";
import { chartTime, fillMarkers } from "../live.js";
import { trpc } from "../trpc.js";

/** The chart's trades query; the order stream adds new fills to it. */
export const chartTradesInput = (symbol: string) => ({ symbol, limit: 500 });

const INTERVALS = Object.keys(CANDLE_INTERVALS) as CandleInterval[];
const INTERVAL_LABELS: Record<CandleInterval, string> = { "1m": "1m", "5m": "5m", "15m": "15m", "30m": "30m", "1h": "1H", "1d": "1D" };
const INTERVAL_NAMES: Record<CandleInterval, string> = {
  "1m": "1 minute",
  "5m": "5 minutes",
  "15m": "15 minutes",
  "30m": "30 minutes",
  "1h": "1 hour",
  "1d": "1 day",
};
const STORED_INTERVAL = "chart-interval";

/** The interval picked last time in this browser, 1 minute at first. */
function storedInterval(): CandleInterval {
  try {
    const stored = localStorage.getItem(STORED_INTERVAL);
    return INTERVALS.find((i) => i === stored) ?? "1m";
  } catch {
    return "1m";
  }
}

export function Chart({ symbol, ltp }: { symbol: string; ltp: number | undefined }) {
  const [interval, setChartInterval] = useState<CandleInterval>(storedInterval);
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const series = useRef<ISeriesApi<"Candlestick"> | null>(null);
  const last = useRef<{ time: number; open: number; high: number; low: number; close: number } | null>(null);
  const markers = useRef<ISeriesMarkersPluginApi<Time> | null>(null);
  const candles = trpc.market.candles.useQuery({ symbol, interval, limit: 300 });
  const trades = trpc.trades.list.useQuery(chartTradesInput(symbol));

  useEffect(() => {
    if (box.current === null) return;
    const c = createChart(box.current, {
      autoSize: true,
      layout: { background: { color: "#11141a" }, textColor: "#aab2bf" },
      grid: { vertLines: { color: "#1c212b" }, horzLines: { color: "#1c212b" } },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    series.current = c.addSeries(CandlestickSeries, {
      upColor: "#26a69a",
      downColor: "#ef5350",
      wickUpColor: "#26a69a",
      wickDownColor: "#ef5350",
      borderVisible: false,
    });
    markers.current = createSeriesMarkers(series.current, []);
    chart.current = c;
    return () => {
      c.remove();
      chart.current = null;
      series.current = null;
      markers.current = null;
    };
  }, []);

  // A new symbol or interval starts from an empty chart, never from the last one's candles.
  useEffect(() => {
    series.current?.setData([]);
    last.current = null;
    chart.current?.applyOptions({ timeScale: { timeVisible: interval !== "1d" } });
  }, [symbol, interval]);

  useEffect(() => {
    if (series.current === null || candles.data === undefined) return;
    const data = candles.data.map((k) => ({
      time: chartTime(Date.parse(k.time)) as UTCTimestamp,
      open: k.open,
      high: k.high,
      low: k.low,
      close: k.close,
    }));
    series.current.setData(data);
    last.current = data.length === 0 ? null : { ...(data[data.length - 1] as (typeof data)[number]) };
    chart.current?.timeScale().fitContent();
  }, [candles.data]);

  useEffect(() => {
    if (series.current === null || ltp === undefined) return;
    const bucket = chartTime(intervalStart(Date.now(), interval));
    const prev = last.current;
    const candle =
      prev !== null && prev.time === bucket
        ? { ...prev, high: Math.max(prev.high, ltp), low: Math.min(prev.low, ltp), close: ltp }
        : { time: bucket, open: ltp, high: ltp, low: ltp, close: ltp };
    if (prev !== null && candle.time < prev.time) return;
    last.current = candle;
    series.current.update({ ...candle, time: candle.time as UTCTimestamp });
  }, [ltp, symbol, interval]);

  const items = trades.data?.items;
  useEffect(() => {
    markers.current?.setMarkers(fillMarkers(items ?? [], interval).map((m) => ({ ...m, time: m.time as UTCTimestamp })));
  }, [items, interval]);

  const fills = items?.length ?? 0;
  // The newest candle's start as the chart labels it (IST as if UTC), for tests and tools.
  const newest = candles.data?.at(-1);
  const lastCandle = newest === undefined ? undefined : new Date(chartTime(Date.parse(newest.time)) * 1000).toISOString();
  const pick = (next: CandleInterval) => {
    setChartInterval(next);
    try {
      localStorage.setItem(STORED_INTERVAL, next);
    } catch {
      // A browser that keeps nothing still shows the interval picked, for this page.
    }
  };

  return (
    <>
      <div className="chart-tools" role="group" aria-label="Candle interval">
        {INTERVALS.map((i) => (
          <button
            key={i}
            type="button"
            className={i === interval ? "on" : ""}
            aria-pressed={i === interval}
            aria-label={INTERVAL_NAMES[i]}
            title={`${INTERVAL_NAMES[i]} candles`}
            onClick={() => pick(i)}
          >
            {INTERVAL_LABELS[i]}
          </button>
        ))}
      </div>
      <div
        className="chart-box"
        ref={box}
        data-fills={fills}
        data-interval={interval}
        data-candles={candles.data?.length ?? 0}
        data-last-candle={lastCandle}
      >
        {candles.isLoading && <p className="chart-note muted">Loading candles…</p>}
        {candles.isError && (
          <p role="alert" className="chart-note error">
            Could not load candles: {candles.error.message}
          </p>
        )}
        {candles.data?.length === 0 && <p className="chart-note muted">No trading in {symbol} yet</p>}
      </div>
      <p className="muted legend">
        {INTERVAL_NAMES[interval]} candles, times in IST ·{" "}
        {trades.isError
          ? "Your fills could not be loaded."
          : fills === 0
            ? `No fills of yours in ${symbol}`
            : `${fills} of your fills marked: B buy, S sell`}
      </p>
    </>
  );
}
