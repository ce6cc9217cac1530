import { Box, Static, Text } from "ink";
import type { StepRecord } from "../src/engine/types.js";
import { useUi } from "./context.js";
import { QuestionPane } from "./QuestionPane.js";
import type { LogEntry } from "./store.js";
import { theme } from "./theme.js";

type Row = { key: string; entry: LogEntry | { kind: "question" } };

/**
 * The history of the current question, printed once through <Static> so streaming never redraws it.
 * The <Static> is keyed by loop: a new question starts a fresh list (Static only prints items past
 * the count it has already seen), while old questions stay in the scrollback above.
 */
export function StepsView() {
    const loopId = useUi((s) => s.loopId);
    const log = useUi((s) => s.log);
    const item = useUi((s) => s.item);
    const index = useUi((s) => s.index);
    const total = useUi((s) => s.tasks.items.length);
    if (!item) return null;
    const rows: Row[] = [{ key: `${loopId}-q`, entry: { kind: "question" } }, ...log.map((entry, i) => ({ key: `${loopId}-${i}`, entry }))];
    return (
        <Static key={loopId} items={rows}>
            {(row) => (
                <Box key={row.key} flexDirection="column">
                    {row.entry.kind === "question" ? (
                        <QuestionPane item={item} index={index} total={total} />
                    ) : row.entry.kind === "note" ? (
                        <Text color={theme.warn}>{row.entry.text}</Text>
                    ) : (
                        <StepView step={row.entry.step} />
                    )}
                </Box>
            )}
        </Static>
    );
}

export function stepLabel(s: StepRecord): string {
    switch (s.kind) {
        case "answer":
            return `turn ${s.turn} · answer`;
        case "correct":
            return `turn ${s.turn} · answer (after reflection)`;
        case "reflect":
            return `reflection [${s.instruction_key ?? "?"}] · after turn ${s.turn}${s.sample_index > 0 ? ` · sample ${s.sample_index + 1}` : ""}`;
        case "verify":
            return `turn ${s.turn} · verdict`;
    }
}

function StepView({ step }: { step: StepRecord }) {
    const v = step.verdict;
    const stats = step.output_tokens !== undefined ? `${step.output_tokens} tok · ${(step.tokens_per_second ?? 0).toFixed(1)} tok/s · ${Math.round(step.ms)} ms` : null;
    return (
        <Box flexDirection="column" marginTop={1}>
            <Text color={step.kind === "reflect" ? theme.warn : theme.accent} bold>
                {stepLabel(step)}
            </Text>
            {step.kind === "verify" && v ? (
                <Text>
                    <Text color={v.correct ? theme.ok : theme.bad} bold>
                        {v.correct ? "✓ correct" : "✗ incorrect"}
                    </Text>
                    <Text color={theme.muted}>
                        {" "}
                        ({v.mode}: {v.reason})
                    </Text>
                </Text>
            ) : null}
            {step.oracle_verdict ? <Text color={theme.muted}>ground truth: {step.oracle_verdict.correct ? "correct" : "incorrect"}</Text> : null}
            {step.kind !== "verify" || v?.mode !== "oracle" ? <Text>{(step.output ?? "").trim()}</Text> : null}
            {stats ? <Text color={theme.muted}>{stats}{step.stop_reason && step.stop_reason !== "eos" ? ` · stopped: ${step.stop_reason}` : ""}</Text> : null}
        </Box>
    );
}
