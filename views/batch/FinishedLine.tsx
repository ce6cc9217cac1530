import { Text } from "ink";
import { theme } from "../theme.js";
import type { FinishedLine as Line } from "./store.js";

/** One short line per finished item: id, task, turn-1 verdict, samples, best chain at t_max. */
export function FinishedLine({ line, maxTurns }: { line: Line; maxTurns: number }) {
    if (line.t1 === null)
        return (
            <Text wrap="truncate-end">
                <Text color={theme.bad}>! {line.itemId}</Text>
                <Text color={theme.muted}> · {line.task} · error: {line.error}</Text>
            </Text>
        );
    const best = line.samples === 0 ? "no samples" : `${line.samples} samples · best t${maxTurns} ${line.correctAtMax > 0 ? "✓" : "✗"} (${line.correctAtMax}/${line.samples})`;
    return (
        <Text wrap="truncate-end">
            <Text color={line.t1 ? theme.ok : theme.bad}>{line.t1 ? "✓" : "✗"}</Text>
            <Text bold> {line.itemId}</Text>
            <Text color={theme.muted}> · {line.task} · </Text>
            <Text>t1 {line.t1 ? "✓" : "✗"}</Text>
            <Text color={theme.muted}> · {best}</Text>
        </Text>
    );
}
