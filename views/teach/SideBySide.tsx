import { Box, Text, useInput } from "ink";
import { instructionWords } from "../../src/teach/walkthrough.js";
import type { Stage, Walkthrough } from "../../src/teach/types.js";
import { wrapPlain } from "../lines.js";
import { theme } from "../theme.js";

/** One line of at most `n` characters, whitespace collapsed, with an ellipsis when cut. */
export function clip(text: string, n: number): string {
    const line = text.replace(/\s+/g, " ").trim();
    return line.length > n ? `${line.slice(0, Math.max(0, n - 1))}…` : line;
}

/**
 * Word-wraps `text` into lines of at most `width` columns (paragraph breaks kept as line breaks,
 * blank lines dropped: rows are scarce) and keeps the first `max`, the last ending in "…" when
 * something was cut.
 */
export function wrapLines(text: string, width: number, max: number): string[] {
    const paras = text.split("\n").map((p) => p.replace(/\s+/g, " ").trim());
    return wrapPlain(paras.filter(Boolean).join("\n"), width, max);
}

/** The parts of a chain the columns show: the first reflection, the last correction and verdict. */
function chainOf(w: Walkthrough) {
    const find = (k: Stage["kind"]) => w.stages.filter((s) => s.kind === k);
    const ins = find("instruction")[0]?.instruction ?? find("reflection")[0]?.instruction;
    const corrections = find("correction");
    const finals = find("final");
    const truth = w.record.correct_by_turn;
    return {
        key: w.source.sample?.instructionKey ?? ins?.key ?? null,
        sample: w.source.sample?.sampleIndex ?? null,
        stages: ins?.stages ?? null,
        reflection: find("reflection")[0]?.text ?? null,
        correction: corrections.at(-1)?.text ?? null,
        final: finals.at(-1)?.verdict ?? null,
        right: truth.length > 1 ? truth[truth.length - 1]! : null,
        turns: truth.length
    };
}

/** The three stages in a few words each (the instruction's verify way, focus and plan level). */
function stageWords(stages: [string, string, string]): string[] {
    const w = instructionWords(stages);
    const verify = String(w.verify_way).split(",")[0]!.trim();
    // instructionWords falls back to "check it" when the stage text has no "by …".
    return [verify === "check it" ? "1 verify" : `1 verify by ${verify}`, `2 focus: ${String(w.focus).replace(/^the /, "")}`, `3 plan: ${String(w.level)}`];
}

/** Rows besides the columns: border 2, heading, question, first answer, gap, the help line. */
const CHROME_ROWS = 7;
/** Rows of a column besides its reflection and answer: key, three stages, two labels, the verdict. */
const COLUMN_FIXED = 7;

function Column({ w, width, rows }: { w: Walkthrough; width: number; rows: number }) {
    const c = chainOf(w);
    const room = Math.max(2, rows - COLUMN_FIXED);
    const answerRows = Math.max(1, Math.min(3, Math.floor(room / 3)));
    const reflRows = Math.max(1, room - answerRows);
    const title = c.key ? `instruction ${c.key}` : "retry (no reflection)";
    const sample = c.sample !== null ? ` · sample #${c.sample}` : "";
    const stages = c.stages ? stageWords(c.stages) : c.key ? ["(instruction not in this pool)", "", ""] : ["only told \"incorrect\",", "then asked again", ""];
    const refl = c.reflection === null ? ["(none)"] : wrapLines(c.reflection, width, reflRows);
    const ans = c.correction === null ? ["(none)"] : wrapLines(c.correction, width, answerRows);
    const right = c.right;
    // Ground truth decides right/wrong; a self or teacher verdict that disagreed is shown beside it.
    const said = c.final && right !== null && c.final.correct !== right ? ` · verifier said ${c.final.correct ? "right" : "wrong"}` : "";
    const read = c.final?.extracted ? ` (read ${clip(c.final.extracted, 12)})` : "";
    const line = (s: string, k: string, color?: string, bold?: boolean) => (
        <Text key={k} wrap="truncate-end" color={color} bold={bold}>
            {s || " "}
        </Text>
    );
    return (
        <Box flexDirection="column" width={width} height={rows} flexShrink={0}>
            <Text wrap="truncate-end">
                <Text bold color={theme.accent}>
                    {title}
                </Text>
                <Text color={theme.muted}>{sample}</Text>
            </Text>
            {stages.map((s, i) => line(s, `s${i}`, theme.muted))}
            {line("reflection", "rl", theme.accent)}
            <Box flexDirection="column" height={reflRows}>
                {refl.map((s, i) => line(s, `r${i}`))}
            </Box>
            {line("corrected answer", "al", theme.accent)}
            <Box flexDirection="column" height={answerRows}>
                {ans.map((s, i) => line(s, `a${i}`))}
            </Box>
            <Text wrap="truncate-end">
                <Text color={theme.muted}>final{c.turns > 2 ? ` (turn ${c.turns})` : ""}: </Text>
                {right === null ? <Text color={theme.muted}>no second turn</Text> : <Text bold color={right ? theme.ok : theme.bad}>{right ? "right ✓" : "wrong ✗"}</Text>}
                <Text color={theme.muted}>
                    {read}
                    {said}
                </Text>
            </Text>
        </Box>
    );
}

/** Two chains on the same failed attempt, side by side: how the instruction shapes the reflection. */
export function SideBySide(props: { left: Walkthrough; right: Walkthrough; columns: number; rows: number; onNext(): void; onBack(): void }) {
    const { left, right, columns, rows } = props;
    useInput((input, key) => {
        if (key.escape || key.backspace || key.delete || input === "q") return props.onBack();
        if (input === "n") return props.onNext();
    });
    const inner = Math.max(20, columns - 4);
    const colWidth = Math.floor((inner - 3) / 2);
    const colRows = Math.max(COLUMN_FIXED + 2, rows - CHROME_ROWS);
    const first = left.stages.find((s) => s.kind === "answer")?.text ?? "";
    const v1 = left.stages.find((s) => s.kind === "verdict")?.verdict;
    // Ground truth again: a flipped chain was right at turn 1 and only its own verdict said wrong.
    const t1Right = left.record.correct_by_turn[0] === true;
    const same = left.source.sample?.instructionKey === right.source.sample?.instructionKey && left.source.sample !== undefined;
    const q = left.item.question;
    return (
        <Box flexDirection="column" width={columns}>
            <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1} width={columns}>
                <Text wrap="truncate-end">
                    <Text bold>side by side</Text>
                    <Text color={theme.muted}>
                        {" "}
                        · {left.item.id} · one failed first answer, {same ? "two samples of one instruction" : "two instructions"}
                    </Text>
                </Text>
                <Text wrap="truncate-end">
                    <Text color={theme.muted}>question </Text>
                    {clip(q, inner)}
                </Text>
                <Text wrap="truncate-end">
                    <Text color={theme.muted}>turn 1 </Text>
                    <Text color={t1Right ? theme.ok : theme.bad} bold>
                        {t1Right ? "right" : "wrong"}
                    </Text>
                    <Text color={theme.muted}>
                        {v1?.extracted ? ` (read ${clip(v1.extracted, 12)})` : ""}
                        {t1Right && v1 && !v1.correct ? " · verifier said wrong" : ""}:{" "}
                    </Text>
                    {clip(first, inner)}
                </Text>
                <Box marginTop={1} height={colRows}>
                    <Column w={left} width={colWidth} rows={colRows} />
                    <Box width={3} flexShrink={0} flexDirection="column" alignItems="center">
                        {Array.from({ length: colRows }, (_, i) => (
                            <Text key={i} color={theme.muted}>
                                │
                            </Text>
                        ))}
                    </Box>
                    <Column w={right} width={colWidth} rows={colRows} />
                </Box>
            </Box>
            <Text color={theme.muted} wrap="truncate-end">
                <Text color={theme.accent}>n</Text> next sibling on the right · <Text color={theme.accent}>esc</Text> back
            </Text>
        </Box>
    );
}
