import { Box, Text } from "ink";
import type { CompareResult } from "../../src/batch/compare.js";
import { columnWidths, compareTable, describeSide, groupLine } from "../../src/batch/compareTable.js";
import { theme } from "../theme.js";

const GAP = 2;

/** The side-by-side table (the same cells as `reflect-lab compare`), B−A coloured by sign, intervals muted, warnings above. */
export function CompareTableView({ result: r }: { result: CompareResult }) {
    const t = compareTable(r);
    const w = columnWidths(t);
    const cell = (text: string, i: number) => (i === 0 ? text.padEnd(w[i]!) : text.padStart(w[i]!));
    const diffCols = new Set(t.group.flatMap((g, i) => (g === "B−A" ? [i] : [])));
    const labels = { A: `A · ${r.a.reflector}`, B: `B · ${r.b.reflector}`, "B−A": "B−A (paired)" };
    return (
        <Box flexDirection="column">
            <Text wrap="truncate-end">
                <Text bold>A </Text>
                {describeSide(r.a)}
            </Text>
            <Text wrap="truncate-end">
                <Text bold>B </Text>
                {describeSide(r.b)}
            </Text>
            <Text color={theme.muted}>
                compared on {r.aligned} items done in both ({r.onlyA} only in A, {r.onlyB} only in B)
            </Text>
            {r.warnings.map((x) => (
                <Text key={x} color={theme.warn} wrap="truncate-end">
                    ⚠ {x}
                </Text>
            ))}
            <Box marginTop={1} flexDirection="column">
                <Text color={theme.accent}>{groupLine(t, w, GAP, (g) => labels[g])}</Text>
                <Text color={theme.muted}>{t.head.map(cell).join(" ".repeat(GAP))}</Text>
                {t.rows.map((row) => (
                    <Box key={row.task} flexDirection="column">
                        <Text>
                            {row.cells.map((c, i) => (
                                <Text key={i} bold={row.task === "overall"} color={diffCols.has(i) ? (c.startsWith("+") && !/^\+0\.0$/.test(c) ? theme.ok : c.startsWith("-") ? theme.bad : undefined) : undefined}>
                                    {(i ? " ".repeat(GAP) : "") + cell(c, i)}
                                </Text>
                            ))}
                        </Text>
                        <Text color={theme.muted}>{row.cis.map(cell).join(" ".repeat(GAP)).trimEnd()}</Text>
                    </Box>
                ))}
            </Box>
            <Text color={theme.muted} wrap="truncate-end">
                {r.intervals}
            </Text>
        </Box>
    );
}
