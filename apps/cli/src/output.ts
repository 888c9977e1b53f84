// How results look: aligned tables for people, JSON for scripts, colour only on a terminal.

export interface OutputOptions {
  json: boolean;
}

const useColour = (): boolean => process.stdout.isTTY === true && (process.env.NO_COLOR === undefined || process.env.NO_COLOR === "");

const paint = (code: number) => (text: string) => (useColour() ? `\u001b[${code}m${text}\u001b[0m` : text);
export const green = paint(32);
export const red = paint(31);
export const dim = paint(2);
export const bold = paint(1);

const inr = new Intl.NumberFormat("en-IN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function rupees(value: number | null | undefined): string {
  return value === null || value === undefined ? "-" : `₹${inr.format(value)}`;
}

/** A profit or loss: signed, green when up and red when down (on a terminal). */
export function pnl(value: number): string {
  const text = `${value > 0 ? "+" : value < 0 ? "-" : ""}₹${inr.format(Math.abs(value))}`;
  return value > 0 ? green(text) : value < 0 ? red(text) : text;
}

export function percent(value: number): string {
  const text = `${value > 0 ? "+" : ""}${value.toFixed(2)}%`;
  return value > 0 ? green(text) : value < 0 ? red(text) : text;
}

// eslint-disable-next-line no-control-regex
const visibleLength = (text: string): number => text.replace(/\u001b\[[0-9;]*m/g, "").length;

/** Columns of strings, right-aligned where `right` says (numbers), with a header row. */
export function table(headers: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const widths = headers.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ""))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const pad = " ".repeat((widths[i] ?? 0) - visibleLength(cell));
        return right.has(i) ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd();
  return [bold(line(headers)), ...rows.map(line)].join("\n");
}

/** Writes a result: as JSON with `--json`, else as `human` says. */
export function print(out: { write(text: string): unknown }, options: OutputOptions, json: unknown, human: () => string): void {
  out.write(options.json ? `${JSON.stringify(json, null, 2)}\n` : `${human()}\n`);
}
