import { Box, Text } from "ink";
import { useStore } from "zustand";
import { MetricsPanel } from "../batch/MetricsPanel.js";
import { ProgressBar } from "../batch/ProgressBar.js";
import { SlotsPanel } from "../batch/SlotsPanel.js";
import { StateLine } from "../batch/StateLine.js";
import type { BatchStore } from "../batch/store.js";
import { theme } from "../theme.js";

/**
 * A batch step of the loop (round 0's evaluations, a round's generation or eval) with the batch
 * dashboard's own panels: progress and rates, what each slot does, Acc@t per turn and per task.
 * `rows` is the height it may take; slots and task rows share what the fixed lines leave.
 */
export function BatchStepPanel({ store, width, rows }: { store: BatchStore; width: number; rows: number }) {
    const s = useStore(store);
    const ended = s.status === "done";
    const tasks = Object.keys(s.report.perTask).length;
    // Progress 2, slot header 1, metrics summary + margin + head 3 (+1 when its summary splits), state line 1.
    const spare = Math.max(2, rows - 7);
    const slotRows = ended || !s.slots.length ? 0 : Math.max(1, Math.min(s.slots.length, Math.ceil(spare / 2)));
    const taskRows = Math.max(1, Math.min(tasks, spare - slotRows));
    return (
        <Box flexDirection="column" width={width}>
            {s.status === "starting" ? <Text color={theme.muted}>… loading the model</Text> : null}
            {s.alreadyDone ? <Text color={theme.muted}>resumed: {s.alreadyDone} already done</Text> : null}
            <ProgressBar done={s.done} total={s.total} errors={s.errors} itemsPerSecond={s.itemsPerSecond} tokensPerSecond={s.tokensPerSecond} eta={s.eta} elapsed={s.elapsed} width={Math.min(30, width - 24)} />
            {slotRows ? <SlotsPanel slots={s.slots} maxRows={slotRows} /> : null}
            <MetricsPanel report={s.report} verifier={s.verifier} maxRows={taskRows} width={width} />
            <StateLine status={s.status} state={s.state} lastError={s.lastError} />
        </Box>
    );
}
