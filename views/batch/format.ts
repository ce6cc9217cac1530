/** Number formats shared by the dashboard parts; percentages match formatReport's (one decimal). */
export const pct = (x: number): string => (100 * x).toFixed(1);

export const signedPct = (x: number): string => (x >= 0 ? "+" : "") + pct(x);

export const ciText = ([lo, hi]: [number, number]): string => `[${pct(lo)}, ${pct(hi)}]`;

/** One line of at most `max` characters: the dashboard never wraps a question. */
export function snippet(text: string, max = 80): string {
    const line = text.replace(/\s+/g, " ").trim();
    return line.length > max ? line.slice(0, max - 1) + "…" : line;
}
