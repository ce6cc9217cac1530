import { Box, Text } from "ink";
import { countsTable, droppedLine } from "../../src/curate/format.js";
import type { CurationPlan } from "../../src/curate/plan.js";
import { theme } from "../theme.js";

/** Rows per set and task, train/eval, for the current runs and options (the same table the CLI prints). */
export function CountsPanel({ plan, error, counting, maxRows }: { plan: CurationPlan | null; error: string | null; counting: boolean; maxRows: number }) {
    if (counting) return <Text color={theme.accent}>… reading the runs</Text>;
    if (error) return <Text color={theme.bad} wrap="wrap">{error}</Text>;
    if (!plan) return <Text color={theme.muted}>choose a run to see counts</Text>;
    const lines = countsTable(plan.counts);
    const cut = lines.length > maxRows + 1;
    const shown = cut ? [lines[0]!, ...lines.slice(-maxRows)] : lines;
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
            {cut ? <Text color={theme.muted}>… {lines.length - 1 - maxRows} more task rows (the export lists all in curation.json)</Text> : null}
            <Text color={theme.muted} wrap="truncate-end">
                dropped: {droppedLine(plan.dropped)}
            </Text>
        </Box>
    );
}
