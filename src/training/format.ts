// Plain-text lines for the headless `reflect-lab train`: one per trainer event, and the final summary.
import { formatDuration } from "../duration.js";
import { currentStage, type TrainingProgress } from "./progress.js";
import type { TrainerEvent, TrainingOutcome } from "./types.js";
import { describeResumePoint, resumePoint } from "./checkpoints.js";

export const fmtLoss = (x: number | null | undefined): string => (x === null || x === undefined ? "-" : x.toFixed(4));
export const fmtLr = (x: number | null | undefined): string => (x === null || x === undefined ? "-" : x.toExponential(1).replace("e+", "e"));
export const fmtEta = (s: number | null): string => (s === null ? "?" : formatDuration(s));

/** The line an event prints, or null for events the progress line already covers. */
export function eventLine(e: TrainerEvent, p: TrainingProgress): string | null {
    switch (e.event) {
        case "start":
            return `${e.resumed ? "resuming" : "training"} ${e.setting} · stages ${e.stages.join(", ")} · ${e.device}${e.gpus > 1 ? ` × ${e.gpus}` : ""} · base ${e.base}`;
        case "stage":
            return `stage ${e.index}/${e.of} ${e.stage}: ${e.rows} rows (${e.eval_rows} eval)`;
        case "log":
            return progressLine(p);
        case "checkpoint":
            return `checkpoint ${e.stage} step ${e.step}: ${e.path}`;
        case "artifact":
            return `${e.kind} (${e.stage}): ${e.path}`;
        case "done":
            return `done in ${formatDuration(e.elapsed_s)}`;
        case "error":
            return `error: ${e.message}`;
    }
}

/** Stage i/n, step/total, loss, eval loss, lr, tokens/s, ETA. */
export function progressLine(p: TrainingProgress): string {
    const s = currentStage(p);
    if (!s) return "waiting for the trainer…";
    const n = Math.max(p.stageNames.length, s.index);
    const pct = s.totalSteps ? ` (${Math.floor((100 * s.step) / s.totalSteps)}%)` : "";
    const parts = [`[${s.name} ${s.index}/${n}] step ${s.step}/${s.totalSteps || "?"}${pct}`, `loss ${fmtLoss(s.loss.at(-1)?.[1])}`];
    if (s.evalLoss.length) parts.push(`eval ${fmtLoss(s.evalLoss.at(-1)![1])}`);
    if (s.rewardsMargin.length) parts.push(`margin ${s.rewardsMargin.at(-1)![1].toFixed(3)}`);
    if (p.lr !== null) parts.push(`lr ${fmtLr(p.lr)}`);
    if (p.tokensPerS !== null) parts.push(`${p.tokensPerS.toFixed(0)} tok/s`);
    parts.push(`ETA ${fmtEta(p.stageEtaS)}${n > 1 ? ` (all ${fmtEta(p.etaS)})` : ""}`);
    return parts.join(" · ");
}

/** How to continue a run that did not finish. */
/** What `train --resume` would do for `out`: continue from its checkpoint, or (none saved yet) run the stored request again from the start. */
export const resumeHint = (out: string): string => {
    const point = resumePoint(out);
    return point ? `resume with: reflect-lab train --resume ${out} (continues ${describeResumePoint(point)})` : `no checkpoint was saved yet: reflect-lab train --resume ${out} starts it over`;
};

/** The closing lines: artifacts and result on success; reason, last lines and the resume command otherwise. */
export function summaryLines(o: TrainingOutcome, p: TrainingProgress): string[] {
    if (o.status === "done") {
        const lines = [`training done in ${formatDuration(o.elapsedS)} · ${o.out}`];
        for (const a of p.artifacts) lines.push(`  ${a.kind.padEnd(12)} ${a.stage.padEnd(10)} ${a.path}`);
        if (o.result) {
            const role = (r: { adapter?: string; model?: string }) => r.adapter ?? r.model ?? "-";
            lines.push(`  reflector: ${role(o.result.reflector)}`, `  corrector: ${role(o.result.corrector)}`);
        }
        lines.push(`  result: ${o.out}/result.json`);
        return lines;
    }
    const lines = [o.status === "aborted" ? `training aborted · ${o.out}` : `training failed: ${o.reason ?? "unknown"} · ${o.out}`];
    if (o.status === "failed" && o.lastLines.length) lines.push(`last lines of ${o.out}/trainer.log:`, ...o.lastLines.map((l) => `  ${l}`));
    lines.push(resumeHint(o.out));
    return lines;
}
