import { Box } from "ink";
import { useEffect, useMemo, useReducer, useRef, useState } from "react";
import { codeIsolation } from "../../src/verify/isolation.js";
import { useLab, useUi } from "../context.js";
import { HelpBar } from "../HelpBar.js";
import { helpBarItems, type KeyId } from "../keymap.js";
import { Lines } from "../lines.js";
import { useCpuContention } from "../useCpuContention.js";
import { instructionLines, statusLine } from "./footerLines.js";
import { headerLines } from "./headerLines.js";
import { labFrame } from "./layout.js";
import { actionLine, instructionScope } from "./phaseText.js";
import { questionBlock } from "./questionLines.js";
import { stepArea } from "./stepArea.js";
import { useLabKeys } from "./useLabKeys.js";
import { INITIAL_VIEW, labViewReducer } from "./viewState.js";

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

/** Which keys the bar keeps when not all fit (help and quit always stay): the loop's first, then the view's. */
const BAR_PRIORITY: KeyId[] = ["next", "reroll", "nextInstruction", "nextQuestion", "lab.earlier", "lab.scrollUp", "settings", "verifier"];

/** Keys that do nothing on a recorded attempt (until space starts a fresh one). */
const RECORDED_HIDES = new Set<KeyId>(["reroll", "nextInstruction"]);

/**
 * The lab screen, laid out row by row in `columns` x `rows`: the header and the question pinned on
 * top, the current turn's steps as cards (earlier turns collapsed above them), then what the keys
 * do now, the instruction, the status and the key bar. A new question replaces all of it.
 */
export function LabScreen({ columns, rows }: { columns: number; rows: number }) {
    const { store, controller } = useLab();
    const s = {
        backend: useUi((x) => x.backend),
        settings: useUi((x) => x.settings),
        effective: useUi((x) => x.effective),
        tps: useUi((x) => x.tokensPerSecond),
        item: useUi((x) => x.item),
        index: useUi((x) => x.index),
        total: useUi((x) => x.tasks.items.length),
        loopId: useUi((x) => x.loopId),
        steps: useUi((x) => x.steps),
        recorded: useUi((x) => x.recorded),
        live: useUi((x) => x.live),
        phase: useUi((x) => x.phase),
        turn: useUi((x) => x.turn),
        nextPhase: useUi((x) => x.nextPhase),
        busy: useUi((x) => x.busy),
        canReroll: useUi((x) => x.canReroll),
        hasReflection: useUi((x) => x.hasReflection),
        verifier: useUi((x) => x.verifier),
        key: useUi((x) => x.instructionKey),
        text: useUi((x) => x.instructionText),
        status: useUi((x) => x.status),
        error: useUi((x) => x.error)
    };
    const [view, dispatch] = useReducer(labViewReducer, INITIAL_VIEW);
    useEffect(() => dispatch({ type: "reset" }), [s.loopId]);
    const limits = useRef({ maxTop: 0, page: 1 });
    useLabKeys({ store, controller, dispatch, limits });
    const spin = useSpinner(s.busy);
    // Probed once per process (it starts a sandbox).
    const code = useMemo(() => codeIsolation().kind, []);
    const contention = useCpuContention();

    const W = Math.max(1, columns);
    // One row for the key bar, one left free: a frame as tall as the terminal makes Ink clear the whole screen on every frame.
    const H = Math.max(1, rows - 1);
    const frame = labFrame(
        {
            header: headerLines({ backend: s.backend, effective: s.effective, saved: s.settings, tokensPerSecond: s.tps, code, contention, width: W }),
            question: s.item ? questionBlock(s.item, s.index, s.total, s.recorded !== null, W) : { title: [{ text: "no question" }], text: [], compact: [] },
            area: stepArea({ steps: s.steps, live: s.live, expanded: view.expanded, width: W, spin }),
            action: actionLine({ ...s, instructionKey: s.key, spin, width: W }),
            instruction: s.recorded ? [] : instructionLines(s.key, s.text, instructionScope(s), W),
            status: statusLine(s.status, s.error, W)
        },
        W,
        H - 1,
        view
    );
    limits.current = { maxTop: frame.window.maxTop, page: Math.max(1, frame.bodyHeight - 2) };
    const label = (it: { id: KeyId; label: string }) => (it.id === "next" && s.recorded ? "try again" : it.label);
    return (
        <Box flexDirection="column" width={W}>
            <Lines lines={frame.lines} width={W} />
            <HelpBar screen="lab" items={helpBarItems("lab").filter((it) => !s.recorded || !RECORDED_HIDES.has(it.id))} width={W} priority={BAR_PRIORITY} label={label} />
        </Box>
    );
}
