// Candlesticks of the selected instrument: history from the API, the last candle moved by live
// prices, the user's own fills marked on it, drawn with lightweight-charts.
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
import { useEffect, useRef } from "react";
import { fillMarkers } from "../live.js";
import { trpc } from "../trpc.js";

/** The chart's trades query; the order stream adds new fills to it. */
export const chartTradesInput = (symbol: string) => ({ symbol, limit: 500 });

const MINUTE = 60;

export function Chart({ symbol, ltp }: { symbol: string; ltp: number | undefined }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const series = useRef<ISeriesApi<"Candlestick"> | null>(null);
  const last = useRef<{ time: number; open: number; high: number; low: number; close: number } | null>(null);
  const markers = useRef<ISeriesMarkersPluginApi<Time> | null>(null);
  const candles = trpc.market.candles.useQuery({ symbol, limit: 300 });
  const trades = trpc.trades.list.useQuery(chartTradesInput(symbol));

  useEffect(() => {
    if (box.current === null) return;
    const c = createChart(box.current, {
      autoSize: true,
      layout: { background: { color: "#11141a" }, textColor: "#aab2bf" },
      grid: { vertLines: { color: "#1c212b" }, horzLines: { color: "#1c212b" } },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    series.current = c.addSeries(CandlestickSeries, { upColor: "#26a69a", downColor: "#ef5350", wickUpColor: "#26a69a", wickDownColor: "#ef5350", borderVisible: false });
    markers.current = createSeriesMarkers(series.current, []);
    chart.current = c;
    return () => {
      c.remove();
      chart.current = null;
      series.current = null;
      markers.current = null;
    };
  }, []);

  // A new symbol starts from an empty chart, never from the last symbol's candles.
  useEffect(() => {
    series.current?.setData([]);
    last.current = null;
  }, [symbol]);

  useEffect(() => {
    if (series.current === null || candles.data === undefined) return;
    const data = candles.data.map((k) => ({ time: (Date.parse(k.time) / 1000) as UTCTimestamp, open: k.open, high: k.high, low: k.low, close: k.close }));
    series.current.setData(data);
    last.current = data.length === 0 ? null : { ...(data[data.length - 1] as (typeof data)[number]) };
    chart.current?.timeScale().fitContent();
  }, [candles.data]);

  useEffect(() => {
    if (series.current === null || ltp === undefined) return;
    const bucket = Math.floor(Date.now() / 1000 / MINUTE) * MINUTE;
    const prev = last.current;
    const candle =
      prev !== null && prev.time === bucket
        ? { ...prev, high: Math.max(prev.high, ltp), low: Math.min(prev.low, ltp), close: ltp }
        : { time: bucket, open: ltp, high: ltp, low: ltp, close: ltp };
    if (prev !== null && candle.time < prev.time) return;
    last.current = candle;
    series.current.update({ ...candle, time: candle.time as UTCTimestamp });
  }, [ltp, symbol]);

  const items = trades.data?.items;
  useEffect(() => {
    markers.current?.setMarkers(fillMarkers(items ?? []).map((m) => ({ ...m, time: m.time as UTCTimestamp })));
  }, [items]);

  const fills = items?.length ?? 0;

  return (
    <>
      <div className="chart-box" ref={box} data-fills={fills}>
        {candles.isLoading && <p className="chart-note muted">Loading candles…</p>}
        {candles.isError && (
          <p role="alert" className="chart-note error">
            Could not load candles: {candles.error.message}
          </p>
        )}
        {candles.data?.length === 0 && <p className="chart-note muted">No trading in {symbol} yet</p>}
      </div>
      <p className="muted legend">
        {trades.isError ? "Your fills could not be loaded." : fills === 0 ? `No fills of yours in ${symbol}` : `${fills} of your fills marked: B buy, S sell`}
      </p>
    </>
  );
}
