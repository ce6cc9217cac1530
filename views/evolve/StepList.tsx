import { Fragment } from "react";
import { Text } from "ink";
import type { EvolveStep } from "../../src/evolve/types.js";
import { theme, type Tone } from "../theme.js";
import type { StepState, StepView } from "./evolveStore.js";

export const STEP_MARK: Record<StepState, { mark: string; tone: Tone }> = {
    pending: { mark: "○", tone: "muted" },
    running: { mark: "●", tone: "accent" },
    done: { mark: "✓", tone: "ok" },
    skipped: { mark: "↷", tone: "muted" },
    stopped: { mark: "■", tone: "warn" },
    failed: { mark: "✗", tone: "bad" }
};

const finished = (s: StepView) => s.state === "done" || s.state === "skipped";

interface Segment {
    key: string;
    /** A round, or a range of rounds collapsed into one mark ("1–3"). */
    round: number | string;
    steps: StepView[] | null;
    /** The collapsed mark of rounds shown as one (all done, all found done, or all pending). */
    mark?: StepState;
}

/** A round's one mark when it is not the one under way: done, found done, pending, or running (mixed). */
function roundMark(own: StepView[]): StepState {
    if (own.every((s) => s.state === "pending")) return "pending";
    if (own.every(finished)) return own.some((s) => s.state === "done") ? "done" : "skipped";
    return "running";
}

/**
 * Rounds in order on one line: the current round (and any round with a running, stopped or failed
 * step) with its steps; the others as one mark each, neighbours with the same mark merged
 * ("rounds 1–4 ✓ │ round 5 · batch ● ... │ rounds 6–9 ○"), so ten rounds still fit one line.
 */
export function stepSegments(steps: StepView[], current: { round: number; step: EvolveStep } | null): Segment[] {
    const segs: (Segment & { from: number; to: number })[] = [];
    for (const r of [...new Set(steps.map((s) => s.round))]) {
        const own = steps.filter((s) => s.round === r);
        const expand = r === (current?.round ?? 0) || own.some((s) => s.state === "stopped" || s.state === "failed" || s.state === "running");
        const prev = segs.at(-1);
        const mark = expand ? undefined : roundMark(own);
        if (mark && prev && !prev.steps && prev.mark === mark) prev.to = r;
        else segs.push({ key: `r${r}`, round: r, from: r, to: r, steps: expand ? own : null, mark });
    }
    return segs.map(({ from, to, ...g }) => ({ ...g, round: from === to ? from : `${from}–${to}` }));
}

/** "round 0 ✓ │ round 1 · batch ✓ · curate ✓ · train ● · eval ○ │ round 2 ○". */
export function StepList({ steps, current }: { steps: StepView[]; current: { round: number; step: EvolveStep } | null }) {
    const segs = stepSegments(steps, current);
    // One row whatever the width: the rounds merge, and what still does not fit is cut at the edge.
    return (
        <Text wrap="truncate-end">
            {segs.map((g, i) => (
                <Fragment key={g.key}>
                    {i ? <Text color={theme.muted}> │ </Text> : null}
                    <Text bold={!!g.steps}>{typeof g.round === "string" ? `rounds ${g.round}` : `round ${g.round}`}</Text>
                    {g.steps ? (
                        g.steps.map((s) => (
                            <Fragment key={s.step}>
                                <Text color={theme.muted}> · </Text>
                                <Text color={s.state === "running" ? theme.accent : undefined}>{s.step} </Text>
                                <Text color={theme[STEP_MARK[s.state].tone]}>{STEP_MARK[s.state].mark}</Text>
                            </Fragment>
                        ))
                    ) : (
                        <Text color={theme[STEP_MARK[g.mark!].tone]}> {STEP_MARK[g.mark!].mark}</Text>
                    )}
                </Fragment>
            ))}
        </Text>
    );
}
