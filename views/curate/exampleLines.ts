// The example row of the curate screen as rows within a budget: what it trains on first, then where
// it came from, then the prompt's tail (the failed attempt and the reflect instruction, as sent).
import { SET_LABEL } from "../../src/curate/options.js";
import type { Example } from "../../src/curate/preview.js";
import type { CuratedSet } from "../../src/curate/types.js";
import { truncate, type Line, type Seg } from "../lines.js";
import { theme } from "../theme.js";

/** Lines of one message or target at most; more would push the counts off a small screen. */
const MAX_BLOCK_LINES = 3;

/** The first `n` lines of a text, the last saying how many more there are. */
function clip(text: string, n: number): string[] {
    // Blank lines are dropped: rows are scarce.
    const lines = text.trim().split("\n").filter((l) => l.trim());
    const more = lines.length - n;
    return more > 0 ? [...lines.slice(0, n - 1), `${lines[n - 1]} … (+${more} more line${more > 1 ? "s" : ""})`] : lines;
}

/** A block's rows: `label` before its first line, the others indented. */
function block(label: Seg, text: string, n: number, tone?: string): Line[] {
    return clip(text, n).map((l, j) => [j === 0 ? label : { text: "  " }, { text: l, color: tone }]);
}

/** Rows the example needs at least: its title and one row per target (or the "none" line). */
export const exampleMinRows = (example: Example | null): number => (example ? 1 + example.targets.length : 1);

/** The example in at most `maxRows` rows of `width` columns. */
export function exampleLines(example: Example | null, set: CuratedSet, width: number, maxRows: number): Line[] {
    if (!example) return [[{ text: `examples · ${SET_LABEL[set]}: none with these runs and options`, color: theme.muted }]];
    const title: Line = [{ text: `example ${example.index + 1}/${example.total} ` }, { text: `· ${SET_LABEL[set]} · ${example.split} · ${example.task} ${example.itemId} · instruction ${example.instructionKey}`, color: theme.muted }];
    const p = example.provenance[0]!;
    const from: Line = [{ text: `${example.provenance.map((x) => `${x.run} #${x.sample_index}`).join(" vs ")} · ${p.model_file} · sha256 ${p.model_sha256.slice(0, 12)} · seed ${p.seed}`, color: theme.muted }];
    const tail = example.prompt.slice(-2);
    const targets = (n: number) =>
        example.targets.flatMap((t) => {
            const tone = t.correct === undefined ? theme.accent : t.correct ? theme.ok : theme.bad;
            return block({ text: `${t.label}${t.correct === undefined ? "" : t.correct ? " ✓" : " ✗"}: `, color: tone, bold: true }, t.text, n);
        });
    const room = maxRows - 1;
    const blocks = tail.length + example.targets.length;
    // Room for every block and the provenance: as many lines per block as fit, up to three.
    if (room >= 1 + blocks) {
        const n = Math.max(1, Math.min(MAX_BLOCK_LINES, Math.floor((room - 1) / blocks)));
        const prompt = tail.flatMap((m) => block({ text: `${m.role}: `, color: theme.muted }, m.content, n, theme.muted));
        return truncate([title, ...prompt, ...targets(n), from], maxRows, width);
    }
    // Short of rows: the targets (what is trained on), then the provenance if it fits.
    const lines = [title, ...targets(1)];
    return truncate(lines.length < maxRows ? [...lines, from] : lines, maxRows, width);
}
