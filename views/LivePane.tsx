import { Box, Text } from "ink";
import { useEffect, useState } from "react";
import type { LoopPhase } from "../src/engine/types.js";
import { useUi } from "./context.js";
import { theme } from "./theme.js";

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

function useSpinner(active: boolean): string {
    const [frame, setFrame] = useState(0);
    useEffect(() => {
        if (!active) return;
        const t = setInterval(() => setFrame((f) => (f + 1) % SPINNER.length), 120);
        return () => clearInterval(t);
    }, [active]);
    return SPINNER[frame]!;
}

/** What the next space press will do, in words. */
export function nextAction(phase: LoopPhase, verifier: string, instructionKey: string): string {
    switch (phase) {
        case "answering":
            return "answer the question";
        case "verifying":
            return `verify the answer (${verifier})`;
        case "reflecting":
            return `reflect on the failed attempt with instruction [${instructionKey}]`;
        case "correcting":
            return "answer again, using the reflection";
        default:
            return "nothing: this question is done";
    }
}

/** The running step as it streams, or what the next key will do when idle. */
export function LivePane() {
    const busy = useUi((s) => s.busy);
    const live = useUi((s) => s.live);
    const phase = useUi((s) => s.phase);
    const turn = useUi((s) => s.turn);
    const nextPhase = useUi((s) => s.nextPhase);
    const verifier = useUi((s) => s.verifier);
    const key = useUi((s) => s.instructionKey);
    const canReroll = useUi((s) => s.canReroll);
    const spin = useSpinner(busy);
    if (busy) {
        return (
            <Box flexDirection="column" marginTop={1}>
                <Text color={theme.accent}>
                    {spin} {phase} · turn {turn}
                    {live?.instructionKey ? ` · [${live.instructionKey}]` : ""}
                    <Text color={theme.muted}> (q aborts and quits)</Text>
                </Text>
                {live ? <Text>{live.text}</Text> : null}
            </Box>
        );
    }
    const done = nextPhase === "done";
    return (
        <Box marginTop={1}>
            <Text color={theme.muted}>
                {done ? <Text color={theme.ok}>● done</Text> : <Text color={theme.accent}>○ {phase === "idle" ? "ready" : `${phase} finished`}</Text>}
                {" · "}
                {done ? `n next question${canReroll ? " · r re-roll the reflection" : ""}` : `space: ${nextAction(nextPhase, verifier, key)}`}
            </Text>
        </Box>
    );
}
