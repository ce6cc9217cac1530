import { Box, Text, useInput, useStdout } from "ink";
import { useMemo, useReducer, useRef, useState } from "react";
import { compareMany, type CompareManyResult } from "../../src/batch/compareMany.js";
import { methodOf } from "../../src/batch/compareLabel.js";
import { listBatchRuns, readRunManifest, type BatchRunInfo } from "../../src/batch/runs.js";
import { HelpBar } from "../HelpBar.js";
import { HelpOverlay } from "../HelpOverlay.js";
import { helpBarItems, matchKey } from "../keymap.js";
import { theme } from "../theme.js";
import { compareReducer, initialCompareState, referenceOf, type CompareAction, type CompareState } from "./compareState.js";
import { CompareTableView } from "./CompareTableView.js";
import { RunList } from "./RunList.js";

export interface CompareScreenProps {
    sessionsDir: string;
    onBack(): void;
    onQuit(): void;
}

const ACTIONS: Record<string, CompareAction["type"]> = {
    "compare.up": "up",
    "compare.down": "down",
    "compare.toggle": "toggle",
    "compare.choose": "choose",
    "compare.back": "back",
    "compare.reference": "reference"
};

/** Keys shown only while picking, and only at the table. */
const PICK_ONLY = new Set(["compare.up", "compare.toggle", "compare.choose"]);
const TABLE_ONLY = new Set(["compare.reference"]);

/** Lines besides the run list: title, hints, help bar, borders. */
const FIXED_ROWS = 8;

/** Each run's Tab. 2 method (retry, reflect, one-stage...), read from its manifest; unreadable ones get none. */
function methodLabels(runs: BatchRunInfo[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const r of runs) {
        try {
            out.set(r.dir, methodOf(readRunManifest(r.dir)).label);
        } catch {
            // listBatchRuns read it a moment ago; a run vanishing in between just shows its mode.
        }
    }
    return out;
}

/** Measure reflection: pick batch runs (retry, reflect, trained...) and see them as the paper's Tab. 2, paired on identical turn 1. */
export function CompareScreen({ sessionsDir, onBack, onQuit }: CompareScreenProps) {
    const { stdout } = useStdout();
    // State lives in a ref: keys can arrive before the input handler is re-subscribed with fresh state.
    const st = useRef<CompareState | null>(null);
    st.current ??= initialCompareState(listBatchRuns(sessionsDir));
    const [, render] = useReducer((x: number) => x + 1, 0);
    const [help, setHelp] = useState(false);
    const dispatch = (a: CompareAction) => {
        const next = compareReducer(st.current!, a);
        if (next === "exit") return onBack();
        st.current = next;
        render();
    };

    useInput((input, key) => {
        const b = matchKey("compare", input, key);
        if (!b) return;
        if (b.id === "quit") return onQuit();
        if (b.id === "help") return setHelp((h) => !h);
        // Under the overlay only closing it (esc, ?) and quitting do anything.
        if (help) return b.id === "compare.back" ? setHelp(false) : undefined;
        if (b.id === "compare.reload") return dispatch({ type: "reload", runs: listBatchRuns(sessionsDir) });
        const type = ACTIONS[b.id];
        if (type) dispatch({ type } as CompareAction);
    });

    const s = st.current;
    const labels = useMemo(() => methodLabels(s.runs), [s.runs]);
    const reference = referenceOf(s);
    const result = useMemo((): CompareManyResult | Error | null => {
        if (s.phase !== "table" || !s.picked.length) return null;
        try {
            return compareMany(s.picked, { baseline: reference ?? undefined });
        } catch (e) {
            return e as Error;
        }
    }, [s.phase, s.picked, reference, s.version]);

    if (help) return <HelpOverlay />;
    const rows = Math.max(3, (stdout?.rows || 40) - FIXED_ROWS);
    const bar = helpBarItems("compare").filter((i) => (s.phase === "table" ? !PICK_ONLY.has(i.id) && (i.id !== "compare.reference" || s.picked.length > 1) : !TABLE_ONLY.has(i.id)));
    const title = s.phase === "pick" ? `pick runs with space (${s.picked.length} picked; the first is the reference), enter compares` : `Tab. 2 · ${s.picked.length} run${s.picked.length === 1 ? "" : "s"}, paired on identical turn 1`;
    return (
        <Box flexDirection="column">
            <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
                <Text>
                    <Text bold>compare runs</Text>
                    <Text color={theme.muted}> · {title}</Text>
                </Text>
                {s.phase === "table" ? (
                    result instanceof Error ? (
                        <Text color={theme.bad}>{result.message}</Text>
                    ) : result ? (
                        <CompareTableView result={result} width={(stdout?.columns || 100) - 4} />
                    ) : null
                ) : s.runs.length === 0 ? (
                    <Text color={theme.muted}>no batch runs in {sessionsDir}: start one with b in the lab or `reflect-lab batch`</Text>
                ) : (
                    <RunList runs={s.runs} sel={s.sel} picked={s.picked} labels={labels} maxRows={rows} />
                )}
                {s.message ? <Text color={theme.warn}>{s.message}</Text> : null}
            </Box>
            <HelpBar screen="compare" items={bar} />
        </Box>
    );
}
