// Bridge from the launcher (no React) to the screen's store: start, abort, resume, log lines, past runs.
import { resumePoint } from "../../src/training/checkpoints.js";
import { runFiles } from "../../src/training/files.js";
import { launchTraining, resumeTraining, type LaunchOptions, type TrainingRun } from "../../src/training/launcher.js";
import { lastLines } from "../../src/training/logLines.js";
import { listTrainingRuns } from "../../src/training/runs.js";
import type { TrainingRequest } from "../../src/training/types.js";
import { newLiveRun } from "./liveRun.js";
import { dispatchTraining, type TrainingViewStore } from "./store.js";
import type { LiveRun, TrainingAction } from "./trainingState.js";

const LOG_LINES = 6;

/** What the key hook asks of the outside world (the controller; a fake in tests). */
export interface TrainingEffects {
    readonly store: TrainingViewStore;
    readonly sessionsDir: string;
    readonly running: boolean;
    /** Launches `req`; the reason when it cannot start. */
    start(req: TrainingRequest): string | null;
    /** Relaunches a run folder with --resume; the reason when it cannot. */
    resume(out: string): string | null;
    abort(): Promise<void>;
    refreshRuns(): void;
    /** Leaving the screen: nothing may outlive it. */
    dispose(): Promise<void>;
}

export class TrainingController implements TrainingEffects {
    private run: TrainingRun | null = null;
    private logTimer: NodeJS.Timeout | null = null;

    constructor(
        readonly store: TrainingViewStore,
        readonly sessionsDir: string,
        private readonly launch: LaunchOptions = {}
    ) {}

    get running(): boolean {
        return !!this.run && (this.run.state === "running" || this.run.state === "stopping");
    }

    start(req: TrainingRequest): string | null {
        return this.attach(() => launchTraining(req, this.hooks()), false);
    }

    resume(out: string): string | null {
        return this.attach(() => resumeTraining(out, this.hooks()), true);
    }

    /** Aborts the whole trainer tree; resolves once it is gone. */
    async abort(): Promise<void> {
        const run = this.run;
        if (!run || !this.running) return;
        this.patchRun({ state: "stopping" });
        await run.abort();
    }

    refreshRuns(): void {
        this.dispatch({ type: "runs.loaded", runs: listTrainingRuns(this.sessionsDir) });
    }

    async dispose(): Promise<void> {
        await this.abort();
        this.stopLog();
    }

    private dispatch(a: TrainingAction): void {
        dispatchTraining(this.store, a);
    }

    private attach(make: () => TrainingRun, resumed: boolean): string | null {
        if (this.running) return "a trainer is already running";
        let run: TrainingRun;
        try {
            run = make();
        } catch (e) {
            return (e as Error).message;
        }
        this.run = run;
        this.dispatch({ type: "run.started", run: newLiveRun(run.out, run.request.setting, run.command, run.request, run.progress, resumed) });
        this.startLog(run.out);
        return null;
    }

    private hooks(): LaunchOptions {
        return {
            ...this.launch,
            onEvent: (_e, progress) => this.patchRun({ progress }),
            onExit: (outcome) => {
                this.stopLog();
                const stages = this.store.getState().run?.progress.stageNames;
                // Read from the folder: what r would resume from (nothing when no checkpoint was saved).
                const resume = outcome.status === "done" ? null : resumePoint(outcome.out, stages);
                this.patchRun({ state: outcome.status, outcome, resume, logLines: lastLines(runFiles(outcome.out).log, LOG_LINES) });
                this.refreshRuns();
            }
        };
    }

    private patchRun(patch: Partial<LiveRun>): void {
        this.dispatch({ type: "run.patch", patch });
    }

    private startLog(out: string): void {
        this.stopLog();
        const file = runFiles(out).log;
        const poll = () => {
            const lines = lastLines(file, LOG_LINES);
            const cur = this.store.getState().run;
            if (cur && lines.join("\n") !== cur.logLines.join("\n")) this.patchRun({ logLines: lines });
        };
        poll();
        this.logTimer = setInterval(poll, 400);
        this.logTimer.unref();
    }

    private stopLog(): void {
        if (this.logTimer) clearInterval(this.logTimer);
        this.logTimer = null;
    }
}
