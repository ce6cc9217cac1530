import { Box, Text, useInput, useStdout } from "ink";
import { useMemo, useReducer, useRef, useState } from "react";
import { compareRuns, type CompareResult } from "../../src/batch/compare.js";
import { listBatchRuns } from "../../src/batch/runs.js";
import { HelpBar } from "../HelpBar.js";
import { HelpOverlay } from "../HelpOverlay.js";
import { helpBarItems, matchKey } from "../keymap.js";
import { theme } from "../theme.js";
import { compareReducer, initialCompareState, type CompareAction, type CompareState } from "./compareState.js";
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
    "compare.choose": "choose",
    "compare.back": "back",
    "compare.swap": "swap"
};

/** Lines besides the run list: title, hints, help bar, borders. */
const FIXED_ROWS = 8;

/** Measure a trained reflector: choose two batch runs (A, then B) and see them side by side on the same questions. */
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
    const result = useMemo((): CompareResult | Error | null => {
        if (s.phase !== "table" || !s.a || !s.b) return null;
        try {
            return compareRuns(s.a, s.b);
        } catch (e) {
            return e as Error;
        }
    }, [s.phase, s.a, s.b, s.version]);

    if (help) return <HelpOverlay />;
    const rows = Math.max(3, (stdout?.rows || 40) - FIXED_ROWS);
    const bar = helpBarItems("compare").filter((i) => (s.phase === "table" ? i.id !== "compare.up" && i.id !== "compare.choose" : i.id !== "compare.swap"));
    const title = s.phase === "pickA" ? "choose run A (e.g. the base reflector)" : s.phase === "pickB" ? "choose run B (e.g. the trained reflector)" : "A vs B on the same questions";
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
                        <CompareTableView result={result} />
                    ) : null
                ) : s.runs.length === 0 ? (
                    <Text color={theme.muted}>no batch runs in {sessionsDir}: start one with b in the lab or `reflect-lab batch`</Text>
                ) : (
                    <RunList runs={s.runs} sel={s.sel} a={s.a} b={s.b} maxRows={rows} />
                )}
                {s.message ? <Text color={theme.warn}>{s.message}</Text> : null}
            </Box>
            <HelpBar screen="compare" items={bar} />
        </Box>
    );
}
