import { Box, Text } from "ink";
import { useStore } from "zustand";
import { theme } from "../theme.js";
import { BatchStepPanel } from "./BatchStepPanel.js";
import { CuratePanel } from "./CuratePanel.js";
import { isBatchStep, type EvolveStore } from "./evolveStore.js";
import { STEP_MARK } from "./StepList.js";
import { TrainStepPanel } from "./TrainStepPanel.js";

const WHAT: Record<string, string> = {
    split: "split the items by question into a train and an eval part",
    "eval-base": "the base model on the eval part (its turn 1 is reused by every eval)",
    retry: "the w/o-reflection baseline on round 0's turn 1",
    batch: "reflections over the train part with the current reflector",
    curate: "curating every round's samples so far",
    train: "training a new reflector",
    eval: "the trained reflector on the eval part, turn 1 from round 0"
};

/** The current step's title, what it does, and its own progress panel (batch, curate or train). */
export function StepPanel({ store, width, rows }: { store: EvolveStore; width: number; rows: number }) {
    const s = useStore(store);
    const cur = s.current;
    if (!cur) return <Text color={theme.muted}>… starting: {s.notes.at(-1) ?? "taking the evolve folder's lock"}</Text>;
    const view = s.steps.find((x) => x.round === cur.round && x.step === cur.step);
    const state = view?.state ?? "running";
    const m = STEP_MARK[state];
    const body = rows - 2;
    return (
        <Box flexDirection="column" width={width}>
            <Text wrap="truncate-end">
                <Text color={theme[m.tone]}>{m.mark} </Text>
                <Text bold>
                    round {cur.round} · {cur.step}
                </Text>
                <Text color={theme.muted}> · {WHAT[cur.step] ?? ""}</Text>
            </Text>
            <Text color={theme.muted} wrap="truncate-start">
                {view?.dir ?? ""}
            </Text>
            {state === "skipped" && cur.step !== "curate" && cur.step !== "train" ? (
                <Text color={theme.muted}>already done: kept as it is</Text>
            ) : isBatchStep(cur.step) && s.batchOf?.round === cur.round && s.batchOf.step === cur.step ? (
                <BatchStepPanel store={s.batch} width={width} rows={body} />
            ) : cur.step === "train" ? (
                <TrainStepPanel progress={s.train?.round === cur.round ? s.train.progress : null} state={state} width={width} rows={body} />
            ) : cur.step === "curate" ? (
                <CuratePanel curated={s.curated?.round === cur.round ? s.curated : null} round={cur.round} state={state} setting={s.setting} rows={body} />
            ) : (
                <Text color={theme.muted}>{state === "running" ? "…" : "done"}</Text>
            )}
        </Box>
    );
}
