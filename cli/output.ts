/** The CLI's output, injectable so tests read exactly what an admin would see. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** Rewrites one status line in a terminal; prints plain lines elsewhere. */
  progress(line: string): void;
}

export function terminalOutput(): Output {
  const tty = process.stderr.isTTY;
  let last = '';
  return {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    progress: (line) => {
      if (line === last) return;
      last = line;
      if (tty) process.stderr.write(`\r\x1b[2K${line}`);
      else process.stderr.write(`${line}\n`);
    },
  };
}

/** A fixed-width table with a header row; long cells are cut with an ellipsis. */
export function table(rows: string[][], maxWidths: number[] = []): string[] {
  const widths = rows[0]?.map((_, col) =>
    Math.min(maxWidths[col] ?? Infinity, Math.max(...rows.map((row) => (row[col] ?? '').length))),
  ) ?? [];
  const cut = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  return rows.map((row) => row.map((cell, col) => cut(cell, widths[col]!)).join('  ').trimEnd());
}
