// The watchlist: live prices flashing on each tick, a search box, and arrow keys to move along it.
import { useRef, useState, type KeyboardEvent } from "react";
import { formatChangePercent, formatInr } from "../format.js";
import type { Instrument } from "../live.js";

export interface WatchlistProps {
  instruments: readonly Instrument[] | undefined;
  loading: boolean;
  error: string | null;
  selected: string;
  onSelect: (symbol: string) => void;
  flash: Readonly<Record<string, "up" | "down">>;
  onFlashEnd: (symbol: string) => void;
}

export function matchesSearch(instrument: Instrument, search: string): boolean {
  const text = search.trim();
  return text === "" || instrument.symbol.includes(text.toUpperCase()) || instrument.name.toLowerCase().includes(text.toLowerCase());
}

export function Watchlist({ instruments, loading, error, selected, onSelect, flash, onFlashEnd }: WatchlistProps) {
  const [search, setSearch] = useState("");
  const list = useRef<HTMLUListElement>(null);
  const shown = (instruments ?? []).filter((i) => matchesSearch(i, search));

  // Up and down move the selection and the focus together; Home and End jump to the ends.
  const onKeyDown = (event: KeyboardEvent) => {
    const index = shown.findIndex((i) => i.symbol === selected);
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: shown.length - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = shown[Math.max(0, Math.min(shown.length - 1, target))];
    if (next === undefined) return;
    onSelect(next.symbol);
    list.current?.querySelector<HTMLButtonElement>(`[data-symbol="${next.symbol}"]`)?.focus();
  };

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter" && shown[0] !== undefined) {
      onSelect(shown[0].symbol);
      list.current?.querySelector<HTMLButtonElement>(`[data-symbol="${shown[0].symbol}"]`)?.focus();
    }
    if (event.key === "Escape") setSearch("");
  };

  const selectedShown = shown.some((i) => i.symbol === selected);
  return (
    <>
      <input
        id="instrument-search"
        type="search"
        aria-label="Search instruments"
        placeholder="Search  ( / )"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={onSearchKey}
      />
      {loading && <p className="muted">Loading instruments…</p>}
      {error !== null && (
        <p role="alert" className="error">
          Could not load instruments: {error}
        </p>
      )}
      {!loading && error === null && shown.length === 0 && <p className="muted">No instrument matches “{search}”</p>}
      <ul ref={list} aria-label="Instruments" onKeyDown={onKeyDown}>
        {shown.map((i, n) => (
          <li key={i.symbol}>
            <button
              type="button"
              className={`row ${i.symbol === selected ? "selected" : ""} flash-${flash[i.symbol] ?? "none"}`}
              onClick={() => onSelect(i.symbol)}
              onAnimationEnd={() => onFlashEnd(i.symbol)}
              aria-pressed={i.symbol === selected}
              tabIndex={i.symbol === selected || (!selectedShown && n === 0) ? 0 : -1}
              data-symbol={i.symbol}
            >
              <span className="sym">{i.symbol}</span>
              <span className="ltp">{formatInr(i.lastTradedPrice)}</span>
              <span className={i.change >= 0 ? "up" : "down"}>{formatChangePercent(i.changePercent)}</span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
