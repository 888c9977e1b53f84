// The contract note of a trading day: each trade with the charges it added, the day's charges per
// component and the net amount, with a CSV download (the same CSV as `trade contract-note --csv`).
import { contractNoteCsv } from "@trading/api/contract-note-csv";
import { CHARGE_COMPONENTS } from "@trading/engine";
import { useState } from "react";
import { formatInr, formatTime } from "../format.js";
import { trpc } from "../trpc.js";
import { Empty, Failed } from "./common.js";

export function ContractNote() {
  const [date, setDate] = useState("");
  const note = trpc.contractNotes.get.useQuery(date === "" ? {} : { date });
  const download = () => {
    if (note.data === undefined) return;
    const url = URL.createObjectURL(new Blob([contractNoteCsv(note.data)], { type: "text/csv" }));
    const link = Object.assign(document.createElement("a"), { href: url, download: `contract-note-${note.data.date}.csv` });
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="contract-note">
      <div className="filters">
        <label>
          Trading day
          <input type="date" value={date || (note.data?.date ?? "")} onChange={(e) => setDate(e.target.value)} />
        </label>
        <button type="button" onClick={download} disabled={note.data === undefined || note.data.trades.length === 0}>
          Download CSV
        </button>
      </div>
      {note.isLoading ? (
        <Empty text="Loading the contract note…" />
      ) : note.isError || note.data === undefined ? (
        <Failed what="the contract note" error={note.error} />
      ) : note.data.trades.length === 0 ? (
        <Empty text={`No trades on ${note.data.date}.`} />
      ) : (
        <div className="scroll-x">
          <table>
            <thead>
              <tr>
                <th>Time (IST)</th>
                <th>Symbol</th>
                <th>Side</th>
                <th>Product</th>
                <th className="num">Qty</th>
                <th className="num">Price</th>
                <th className="num">Value</th>
                <th className="num">Charges</th>
              </tr>
            </thead>
            <tbody>
              {note.data.trades.map((t) => (
                <tr key={t.tradeId}>
                  <td>{formatTime(t.time)}</td>
                  <td>{t.symbol}</td>
                  <td className={t.side === "BUY" ? "up" : "down"}>{t.side}</td>
                  <td>{t.product}</td>
                  <td className="num">{t.quantity}</td>
                  <td className="num">{formatInr(t.price)}</td>
                  <td className="num">{formatInr(t.value)}</td>
                  <td className="num">{formatInr(t.charges?.total ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="funds">
            <tbody>
              {CHARGE_COMPONENTS.map(([key, label]) => (
                <tr key={key}>
                  <th scope="row">{label}</th>
                  <td className="num">{formatInr(note.data.totals?.[key] ?? 0)}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">{note.data.net >= 0 ? "Net receivable" : "Net payable"}</th>
                <td className={`num ${note.data.net >= 0 ? "up" : "down"}`}>{formatInr(Math.abs(note.data.net))}</td>
              </tr>
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
