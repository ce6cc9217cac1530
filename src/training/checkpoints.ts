// What `--resume` can continue from in a training run folder, read from the folder itself (not the event log:
// the trainer keeps only its last few checkpoints, and a log line may outlive the folder it names).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** One saved checkpoint: `<out>/<stage>/checkpoints/checkpoint-<step>` (training/reflect_train/stage.py). */
export interface Checkpoint {
    stage: string;
    step: number;
    path: string;
}

/** Where a resume starts: the newest checkpoint of the latest stage that has one, and the stages that finished. */
export interface ResumePoint {
    checkpoint: Checkpoint | null;
    /** Stages with `<out>/<stage>/done.json`: train.py skips them on --resume. */
    finished: string[];
}

const isDir = (p: string): boolean => {
    try {
        return statSync(p).isDirectory();
    } catch {
        return false;
    }
};

const subdirs = (dir: string): string[] => {
    try {
        return readdirSync(dir).filter((n) => isDir(join(dir, n)));
    } catch {
        return [];
    }
};

/** The highest-step checkpoint folder of one stage, or null. */
export function lastStageCheckpoint(out: string, stage: string): Checkpoint | null {
    const dir = join(out, stage, "checkpoints");
    let best: Checkpoint | null = null;
    for (const name of subdirs(dir)) {
        const m = /^checkpoint-(\d+)$/.exec(name);
        if (!m) continue;
        const step = Number(m[1]);
        if (!best || step > best.step) best = { stage, step, path: join(dir, name) };
    }
    return best;
}

/**
 * What a resume of `out` would continue from, or null when there is nothing (it would start over).
 * `stages` orders them (the run's stage names); without it every stage folder counts, by name.
 */
export function resumePoint(out: string, stages?: readonly string[]): ResumePoint | null {
    const names = stages?.length ? [...stages] : subdirs(out).sort();
    const finished = names.filter((s) => existsSync(join(out, s, "done.json")));
    let checkpoint: Checkpoint | null = null;
    // A finished stage's checkpoints are not where a resume starts: it skips that stage.
    for (const s of names) if (!finished.includes(s)) checkpoint = lastStageCheckpoint(out, s) ?? checkpoint;
    return checkpoint || finished.length ? { checkpoint, finished } : null;
}

/** The resume point in words: "sft checkpoint-4", "after the finished reflector stage". */
export function describeResumePoint(p: ResumePoint): string {
    if (p.checkpoint) return `${p.checkpoint.stage} checkpoint-${p.checkpoint.step}`;
    return `after the finished ${p.finished.join(", ")} stage${p.finished.length > 1 ? "s" : ""}`;
}
