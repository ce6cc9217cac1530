import { useMemo } from "react";
import { exportBoth } from "../../src/teach/export.js";
import { DEFAULT_TEACH_SET, loadTeachKit } from "../../src/teach/kit.js";
import { openTeachSource, type TeachSource } from "../../src/teach/sources.js";
import { buildWalkthrough } from "../../src/teach/walkthrough.js";
import type { ItemRecord } from "../../src/engine/types.js";
import { TeachApp } from "./TeachApp.js";

export interface LabTeachProps {
    /** The lab's current loop record (as far as it has got), or null before the first step. */
    record: ItemRecord | null;
    /** The lab's session folder (named as the walkthrough's source). */
    sessionDir: string;
    /** Where x writes handouts. */
    exportDir: string;
    onBack(): void;
    onQuit(): void;
}

/**
 * T in the lab: the presenter on the question the lab is on (its steps so far), with the shipped
 * examples in the gallery (g); before any step, the shipped examples. A snapshot: the lab's own
 * loop is not stepped from here.
 */
export function LabTeach(props: LabTeachProps) {
    const { kit, source, problem } = useMemo(() => {
        try {
            const kit = loadTeachKit();
            let source: TeachSource | null = null;
            let problem: string | null = null;
            try {
                source = openTeachSource(DEFAULT_TEACH_SET, kit);
            } catch (e) {
                problem = (e as Error).message;
            }
            return { kit, source, problem };
        } catch (e) {
            return { kit: null, source: null, problem: (e as Error).message };
        }
    }, []);
    const walkthrough = useMemo(() => {
        const r = props.record;
        if (!kit || !r || !r.steps.some((s) => s.kind === "answer")) return null;
        const w = buildWalkthrough(r, { kind: "session", path: props.sessionDir, itemId: r.item.id }, kit);
        // A loop still going has no outcome yet: no summary card until it ends.
        return r.status === "running" ? { ...w, stages: w.stages.filter((s) => s.kind !== "summary") } : w;
    }, [kit, props.record, props.record?.steps.length, props.sessionDir]);
    if (!kit || (!walkthrough && !source)) {
        // Nothing to show (broken captions, no example set): say why, and let esc go back.
        return <TeachApp walkthrough={null} start="presenter" live={{ pending: problem ?? "nothing to show yet", onQuestion: () => {} }} onBack={props.onBack} onQuit={props.onQuit} />;
    }
    return (
        <TeachApp
            source={source}
            walkthrough={walkthrough}
            start="presenter"
            onExport={async (w) => exportBoth(w, props.exportDir)}
            onBack={props.onBack}
            onQuit={props.onQuit}
        />
    );
}
