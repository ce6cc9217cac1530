import { Box, Text, useInput, useStdout } from "ink";
import { useEffect, useRef } from "react";
import { useStore } from "zustand";
import { HelpBar } from "../HelpBar.js";
import { HelpOverlay } from "../HelpOverlay.js";
import { helpBarItems, matchKey } from "../keymap.js";
import { theme } from "../theme.js";
import { CountsPanel } from "./CountsPanel.js";
import { ExamplePane } from "./ExamplePane.js";
import { ExportLine } from "./ExportLine.js";
import { OptionsPanel } from "./OptionsPanel.js";
import { RunsPanel } from "./RunsPanel.js";
import { createCurateStore, type CurateStore } from "./store.js";

export interface CurateScreenProps {
    sessionsDir: string;
    onBack(): void;
    onQuit(): void;
    onExported?(dir: string): void;
}

/** Lines the screen takes besides the runs, counts and example (title, headers, options, status, bars). */
const FIXED_ROWS = 24;

/** Curate training sets from batch runs: choose runs, set options, see counts and examples, export. */
export function CurateScreen({ sessionsDir, onBack, onQuit, onExported }: CurateScreenProps) {
    const ref = useRef<CurateStore | null>(null);
    ref.current ??= createCurateStore(sessionsDir);
    const store = ref.current;
    const s = useStore(store);
    const { stdout } = useStdout();
    // Callbacks through a ref: the input handler may run before it is re-subscribed with new props.
    const cb = useRef({ onBack, onQuit, onExported });
    useEffect(() => {
        cb.current = { onBack, onQuit, onExported };
    });
    // The first count reads the preselected run: after the first frame, not before it.
    useEffect(() => store.getState().refresh(), [store]);

    useInput((input, key) => {
        const st = store.getState();
        if (st.editing !== null) {
            if (key.return) st.accept();
            else if (key.escape) st.cancel();
            else if (key.backspace || key.delete) st.backspace();
            else if (input && !key.ctrl && !key.meta) st.type(input);
            return;
        }
        const b = matchKey("curate", input, key);
        if (!b) return;
        if (st.help) {
            if (b.id === "help" || b.id === "curate.back") st.setHelp(false);
            else if (b.id === "quit") cb.current.onQuit();
            return;
        }
        switch (b.id) {
            case "curate.up":
                return st.move(-1);
            case "curate.down":
                return st.move(1);
            case "curate.panel":
                return st.switchPanel();
            case "curate.toggle":
                return st.toggle();
            case "curate.edit":
                return st.edit();
            case "curate.nextExample":
                return st.page(1);
            case "curate.prevExample":
                return st.page(-1);
            case "curate.set":
                return st.nextSet();
            case "curate.refresh":
                return st.refresh();
            case "curate.export":
                void st.exportNow().then((dir) => {
                    if (dir) cb.current.onExported?.(dir);
                });
                return;
            case "help":
                return st.setHelp(true);
            case "curate.back":
                return cb.current.onBack();
            case "quit":
                return cb.current.onQuit();
        }
    });

    if (s.help) return <HelpOverlay />;
    // Counts rows and example lines share what the terminal has left.
    const spare = Math.max(6, (stdout?.rows || 40) - FIXED_ROWS - Math.min(6, s.runs.length));
    const countRows = Math.max(2, Math.floor(spare / 2));
    const exampleLines = Math.max(1, Math.min(3, Math.floor((spare - countRows) / 4)));
    const defaultSeed = s.runs.find((r) => r.dir === s.selected[0])?.seed ?? null;
    const bar = s.editing !== null ? [{ id: "curate.edit" as const, keys: "enter", label: "accept" }, { id: "curate.back" as const, keys: "esc", label: "cancel" }] : helpBarItems("curate");

    return (
        <Box flexDirection="column">
            <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
                <Text bold>
                    curate training sets <Text color={theme.muted}>· D+, D±, D_pref from batch runs · {sessionsDir}</Text>
                </Text>
                <Box marginTop={1}>
                    <RunsPanel runs={s.runs} selected={s.selected} cursor={s.runCursor} focused={s.panel === "runs"} />
                </Box>
                <Box marginTop={1}>
                    <OptionsPanel values={s.values} cursor={s.optCursor} focused={s.panel === "options"} editing={s.editing} defaultSeed={defaultSeed} />
                </Box>
                <Box marginTop={1}>
                    <CountsPanel plan={s.plan} error={s.planError} counting={s.counting} maxRows={countRows} />
                </Box>
                <Box marginTop={1}>
                    <ExamplePane example={s.example} set={s.exampleSet} lines={exampleLines} />
                </Box>
                <Box marginTop={1}>
                    <ExportLine status={s.status} />
                </Box>
            </Box>
            <HelpBar screen="curate" items={bar} />
        </Box>
    );
}
