import { Box, Text } from "ink";
import type { SlotPhase } from "../../src/batch/types.js";
import { theme, type Tone } from "../theme.js";
import type { SlotView } from "./store.js";

const TONE: Record<SlotPhase, Tone> = { idle: "muted", question: "muted", answer: "accent", verify: "warn", reflect: "warn", correct: "ok" };

/** What each parallel sequence is doing; at most `maxRows` rows, the rest summed up as "+N more". */
export function SlotsPanel({ slots, maxRows }: { slots: SlotView[]; maxRows: number }) {
    const shown = slots.length > maxRows ? slots.slice(0, Math.max(1, maxRows - 1)) : slots;
    const busy = slots.filter((s) => s.phase !== "idle").length;
    return (
        <Box flexDirection="column">
            <Text color={theme.muted}>
                slots · {busy}/{slots.length} busy
            </Text>
            {shown.map((s, i) => (
                <Box key={i}>
                    <Box width={5} flexShrink={0}>
                        <Text color={theme.muted}>#{i}</Text>
                    </Box>
                    <Box width={9} flexShrink={0}>
                        <Text color={theme[TONE[s.phase]]}>{s.phase}</Text>
                    </Box>
                    {s.phase === "idle" ? null : (
                        <Text wrap="truncate-end">
                            <Text bold>{s.itemId}</Text>
                            {s.instructionKey ? <Text color={theme.warn}> [{s.instructionKey}]</Text> : null}
                            <Text color={theme.muted}> {s.question ?? ""}</Text>
                        </Text>
                    )}
                </Box>
            ))}
            {shown.length < slots.length ? <Text color={theme.muted}>+{slots.length - shown.length} more</Text> : null}
        </Box>
    );
}
