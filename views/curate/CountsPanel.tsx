import { Box, Text } from "ink";
import { emptyCurationAdvice } from "../../src/curate/emptyAdvice.js";
import { countsTable, droppedLine } from "../../src/curate/format.js";
import type { CurationPlan } from "../../src/curate/plan.js";
import { plannedSummary } from "../../src/curate/summary.js";
import { theme } from "../theme.js";

/** Rows per set and task, train/eval, for the current runs and options (the same table the CLI prints). */
export function CountsPanel({ plan, error, counting, maxRows }: { plan: CurationPlan | null; error: string | null; counting: boolean; maxRows: number }) {
    if (counting) return <Text color={theme.accent}>… reading the runs</Text>;
    if (error) return <Text color={theme.bad} wrap="wrap">{error}</Text>;
    if (!plan) return <Text color={theme.muted}>choose a run to see counts</Text>;
    const lines = countsTable(plan.counts);
    // The same advice `curate` prints: why a set has no training rows and what to change.
    const advice = emptyCurationAdvice(plannedSummary(plan), plan.options.sets);
    // The advice takes the rows of task lines: the total per set stays in view.
    const room = advice ? Math.max(1, maxRows - 3) : maxRows;
    const cut = lines.length > room + 1;
    const shown = cut ? [lines[0]!, ...lines.slice(-room)] : lines;
    return (
        <Box flexDirection="column">
            <Text>
                counts{" "}
                <Text color={theme.muted}>
                    · seed {plan.options.seed} · questions {plan.scanned.questions.train} train / {plan.scanned.questions.eval} eval · {plan.scanned.samples} samples
                    {plan.options.sets.includes("dpref") ? " · D_pref: candidate pairs before judging" : ""}
                </Text>
            </Text>
            {shown.map((l, i) => (
                <Text key={i} bold={i === 0} color={i === 0 ? theme.muted : undefined} wrap="truncate-end">
                    {l}
                </Text>
            ))}
            {cut ? <Text color={theme.muted}>… {lines.length - 1 - room} more task rows (the export lists all in curation.json)</Text> : null}
            <Text color={theme.muted} wrap="truncate-end">
                dropped: {droppedLine(plan.dropped)}
            </Text>
            {advice
                ? advice.split("\n").map((l, i) => (
                      <Text key={`advice-${i}`} color={theme.warn} wrap="wrap">
                          {i === 0 ? `⚠ ${l}` : `  ${l}`}
                      </Text>
                  ))
                : null}
        </Box>
    );
}
