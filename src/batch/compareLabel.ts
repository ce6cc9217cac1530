import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { TrainingResult, TrainingSetting } from "../training/types.js";
import { describeReflector } from "./reflector.js";
import type { RunManifest } from "./runs.js";

/**
 * Which of the paper's Tab. 2 methods a batch run is, read from its manifest: `retry` (w/o reflection),
 * `reflect` (prompt-based w/ reflection: the base model reflects), a trained setting (the reflector's
 * training run's result.json names it), or another reflector (a GGUF, an adapter, an endpoint).
 */
export type RunMethodKind = "retry" | "reflect" | "trained" | "adapter" | "model" | "endpoint";

export interface RunMethod {
    kind: RunMethodKind;
    /** Short row label: "retry", "reflect", "one-stage", "two-stage", "dpo-pref", "dpo-pm", or the reflector's name. */
    label: string;
    /** The paper's wording, for the legend. */
    paper: string;
    /** The training setting when the reflector came from a finished training run. */
    setting: TrainingSetting | null;
}

const SETTINGS: readonly TrainingSetting[] = ["one-stage", "two-stage", "dpo-pref", "dpo-pm"];

/** The setting in `<training run>/result.json`, or null when it is unreadable or names none we know. */
export function trainingSetting(trainingDir: string): TrainingSetting | null {
    try {
        const r = JSON.parse(readFileSync(join(trainingDir, "result.json"), "utf8")) as Partial<TrainingResult>;
        return SETTINGS.includes(r.setting as TrainingSetting) ? (r.setting as TrainingSetting) : null;
    } catch {
        return null;
    }
}

function reflectorMethod(m: RunManifest): RunMethod {
    const spec = m.config.reflector!;
    if (spec.source) {
        const setting = trainingSetting(spec.source);
        // The training folder may have moved or been deleted: its description still names what was used.
        if (setting) return { kind: "trained", label: setting, paper: `${setting} (self-training)`, setting };
        return { kind: "trained", label: describeReflector(spec), paper: "trained reflector (its result.json is unreadable)", setting: null };
    }
    const r = spec.reflect.endpoint || spec.reflect.model || spec.reflect.adapter ? spec.reflect : spec.correct;
    if (r.endpoint) return { kind: "endpoint", label: r.endpoint.name, paper: `reflector endpoint ${r.endpoint.name} (${r.endpoint.model})`, setting: null };
    if (r.model) return { kind: "model", label: basename(r.model), paper: `reflector model ${basename(r.model)}`, setting: null };
    if (r.adapter) return { kind: "adapter", label: basename(r.adapter), paper: `trained adapter ${basename(r.adapter)}`, setting: null };
    return { kind: "reflect", label: "reflect", paper: "w/ reflection (prompt-based)", setting: null };
}

export function methodOf(m: RunManifest): RunMethod {
    const trained = m.config.reflector ? reflectorMethod(m) : null;
    if (m.config.mode === "retry") {
        // Retry never reflects, but a trained corrector would still answer turn 2: say so.
        return trained && trained.kind !== "reflect" ? { ...trained, label: `retry+${trained.label}`, paper: `w/o reflection, corrections by ${trained.paper}` } : { kind: "retry", label: "retry", paper: "w/o reflection", setting: null };
    }
    return trained ?? { kind: "reflect", label: "reflect", paper: "w/ reflection (prompt-based)", setting: null };
}

/** Labels made unique in order: a second "one-stage" becomes "one-stage#2" (evolve rounds, reruns). */
export function uniqueLabels(labels: string[]): string[] {
    const seen = new Map<string, number>();
    return labels.map((l) => {
        const k = (seen.get(l) ?? 0) + 1;
        seen.set(l, k);
        return k === 1 ? l : `${l}#${k}`;
    });
}
