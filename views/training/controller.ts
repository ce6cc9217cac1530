// Bridge from the launcher (no React) to the screen's store: start, abort, resume, log lines, past runs.
import { launchTraining, resumeTraining, type LaunchOptions, type TrainingRun } from "../../src/training/launcher.js";
import { lastLines } from "../../src/training/logLines.js";
import { listTrainingRuns } from "../../src/training/runs.js";
import { runFiles } from "../../src/training/files.js";
import type { TrainingRequest } from "../../src/training/types.js";
import { newLiveRun, type LiveRun, type TrainingViewStore } from "./store.js";

const LOG_LINES = 6;

export class TrainingController {
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

    /** Launches `req`; returns the reason when it cannot start (shown by the form). */
    start(req: TrainingRequest): string | null {
        return this.attach(() => launchTraining(req, this.hooks()), false);
    }

    /** Relaunches a run folder with --resume. */
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
        const runs = listTrainingRuns(this.sessionsDir);
        const sel = Math.min(this.store.getState().runSel, Math.max(0, runs.length - 1));
        this.store.setState({ runs, runSel: sel });
    }

    /** Leaving the screen: nothing may outlive it. */
    async dispose(): Promise<void> {
        await this.abort();
        this.stopLog();
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
        const live: LiveRun = newLiveRun(run.out, run.request.setting, run.command, run.progress, resumed);
        this.store.setState({ run: live, mode: "monitor", notice: null, confirmBack: false });
        this.startLog(run.out);
        return null;
    }

    private hooks(): LaunchOptions {
        return {
            ...this.launch,
            onEvent: (_e, progress) => this.patchRun({ progress }),
            onExit: (outcome) => {
                this.stopLog();
                this.patchRun({ state: outcome.status, outcome, logLines: lastLines(runFiles(outcome.out).log, LOG_LINES) });
                this.refreshRuns();
            }
        };
    }

    private patchRun(patch: Partial<LiveRun>): void {
        const run = this.store.getState().run;
        if (run) this.store.setState({ run: { ...run, ...patch } });
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
