import { Box, Text } from "ink";
import type { CompareManyResult } from "../../src/batch/compareMany.js";
import { describeRun, moreTurnsNote, padCells, pairingLine, tab2Table, tab2Widths } from "../../src/batch/compareTable.js";
import { theme } from "../theme.js";


/** Sign colour of a "vs ref" cell: gains green, losses red, zero and "-" plain. */
const signColour = (c: string) => (/^\+(?!0\.0\b)/.test(c) ? theme.ok : c.startsWith("-") && c !== "-" ? theme.bad : undefined);

/**
 * The Tab. 2 table (the same cells as `reflect-lab compare`): legend, pairing notes and warnings above,
 * intervals muted below. Columns are two spaces apart, one when that would not fit `width`.
 */
export function CompareTableView({ result: r, width = 96 }: { result: CompareManyResult; width?: number }) {
    const t = tab2Table(r);
    const w = tab2Widths(t);
    const GAP = 2 + w.reduce((a, x) => a + x, 0) + 2 * (w.length - 1) <= width ? 2 : 1;
    const lw = Math.max(...r.runs.map((c) => c.label.length));
    const diff = new Set(t.diffCols);
    const pairing = pairingLine(r);
    const more = moreTurnsNote(r);
    return (
        <Box flexDirection="column">
            {r.runs.map((c, i) => (
                <Text key={c.dir} wrap="truncate-end">
                    <Text bold color={i === r.reference ? theme.accent : undefined}>
                        {c.label.padEnd(lw)}
                    </Text>
                    {i === r.reference ? <Text color={theme.accent}> ref</Text> : "    "} {describeRun(c)}
                </Text>
            ))}
            <Text color={theme.muted}>compared on the {r.aligned} items done in every run</Text>
            {/* These wrap rather than cut: the pairing counts and warnings are the point of the screen. */}
            {pairing ? <Text color={theme.muted}>{pairing}</Text> : null}
            {r.warnings.map((x) => (
                <Text key={x} color={theme.warn}>
                    ⚠ {x}
                </Text>
            ))}
            <Box marginTop={1} flexDirection="column">
                <Text color={theme.muted} wrap="truncate-end">
                    {padCells(t.head, w, GAP)}
                </Text>
                {t.blocks.map((b) => (
                    <Box key={b.task} flexDirection="column">
                        <Text bold={b.task === "overall"} color={theme.accent}>
                            {b.task}
                        </Text>
                        {b.lines.map((l) => (
                            <Text key={l.run} wrap="truncate-end">
                                {"  "}
                                {l.cells.map((c, i) => (
                                    <Text key={i} bold={b.task === "overall" && i > 0} color={diff.has(i) ? signColour(c) : i === 5 && l.run !== r.reference && !/^(\d+)\/\1$/.test(c) ? theme.warn : undefined}>
                                        {(i ? " ".repeat(GAP) : "") + (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))}
                                    </Text>
                                ))}
                            </Text>
                        ))}
                    </Box>
                ))}
            </Box>
            {more ? <Text color={theme.muted}>{more}</Text> : null}
            <Text color={theme.muted} wrap="truncate-end">
                {r.intervals}
            </Text>
            <Text color={theme.muted} wrap="truncate-end">
                {r.paired}
            </Text>
            <Text color={theme.muted} wrap="truncate-end">
                vs ref interval: {r.method}
            </Text>
        </Box>
    );
}
