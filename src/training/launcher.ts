// Starts the trainer in its own process group, follows its log.jsonl, and knows how it ended.
import type { ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from "node:fs";
import { buildArgv, commandLine, normalizeRequest, trainerPaths, trainerProblem, TrainingLaunchError, type TrainerPaths } from "./command.js";
import { checkCuratedData } from "./data.js";
import { REQUEST_SCHEMA, runFiles, type StoredRequest } from "./files.js";
import { lastLines } from "./logLines.js";
import { ensureDir } from "../fsDirs.js";
import { acquireRunLock, isLockFile, type RunLock } from "../runLock.js";
import { groupAlive, killGroup, spawnGroup } from "./processGroup.js";
import { asTrainerEvent, emptyProgress, reduceProgress, type TrainingProgress } from "./progress.js";
import { JsonlTail } from "./tail.js";
import type { TrainerEvent, TrainingOutcome, TrainingRequest, TrainingResult } from "./types.js";

export interface LaunchOptions extends Partial<TrainerPaths> {
    /** The trainer's environment (default: ours). */
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** Between SIGTERM and SIGKILL on abort. */
    graceMs?: number;
    /** log.jsonl poll interval (fs.watch backs it). */
    pollMs?: number;
    /** Every new event, with the progress it leads to (a resumed run's earlier events are folded in silently). */
    onEvent?: (e: TrainerEvent, progress: TrainingProgress) => void;
    onExit?: (outcome: TrainingOutcome) => void;
}

export type LaunchState = "running" | "stopping" | TrainingOutcome["status"];

export interface TrainingRun {
    readonly request: TrainingRequest;
    readonly argv: string[];
    readonly command: string;
    readonly out: string;
    /** The trainer's pid, which is also its process group id. */
    readonly pid: number;
    readonly state: LaunchState;
    readonly progress: TrainingProgress;
    readonly finished: Promise<TrainingOutcome>;
    /** Ends the whole process tree (SIGTERM, then SIGKILL after the grace period); resolves when it is gone. */
    abort(): Promise<TrainingOutcome>;
    /** Set when the folder's lock was left by a dead process and taken over: the line to show. */
    readonly lockNote: string | null;
}

const LAST_LINES = 20;

/** The request stored in a run folder, or null. */
export function readStoredRequest(out: string): StoredRequest | null {
    try {
        const s = JSON.parse(readFileSync(runFiles(out).request, "utf8")) as StoredRequest;
        return s.schema === REQUEST_SCHEMA ? s : null;
    } catch {
        return null;
    }
}

/** Everything that would stop the trainer before it runs; throws TrainingLaunchError with the fix. */
export function checkLaunch(req: TrainingRequest, paths: TrainerPaths): void {
    const problem = trainerProblem(paths, req.processes ?? 1);
    if (problem) throw new TrainingLaunchError(problem);
    const data = checkCuratedData(req.setting, req.data);
    if (data.problem) throw new TrainingLaunchError(data.problem);
    if (req.resume) {
        if (!readStoredRequest(req.out)) throw new TrainingLaunchError(`nothing to resume in ${req.out}: it has no request.json of a training run`);
    } else if (existsSync(req.out)) {
        if (!statSync(req.out).isDirectory()) throw new TrainingLaunchError(`${req.out} is a file, not a folder`);
        if (readdirSync(req.out).some((f) => !isLockFile(f)))
            throw new TrainingLaunchError(`${req.out} is not empty; choose another out folder${readStoredRequest(req.out) ? `, or resume it (reflect-lab train --resume ${req.out})` : ""}`);
    }
}

/** Spawns the trainer for `request`; throws TrainingLaunchError when it cannot start. */
export function launchTraining(request: TrainingRequest, opts: LaunchOptions = {}): TrainingRun {
    const req = normalizeRequest(request);
    const paths = trainerPaths(opts);
    if (req.resume && !readStoredRequest(req.out)) throw new TrainingLaunchError(`nothing to resume in ${req.out}: it has no request.json of a training run`);
    // Owned before it is checked or written: two trainers in one folder would overwrite each other's checkpoints.
    let lock: RunLock;
    try {
        lock = acquireRunLock(req.out, { what: "training run folder" });
    } catch (e) {
        throw new TrainingLaunchError((e as Error).message);
    }
    try {
        return launchLocked(req, paths, opts, lock);
    } catch (e) {
        lock.release();
        throw e;
    }
}

function launchLocked(req: TrainingRequest, paths: TrainerPaths, opts: LaunchOptions, lock: RunLock): TrainingRun {
    checkLaunch(req, paths);
    if (lock.tookOver) appendFileSync(runFiles(req.out).log, `\n=== ${lock.tookOver}\n`);
    const argv = buildArgv(req, paths);
    const command = commandLine(argv);
    const files = runFiles(req.out);
    ensureDir(req.out, "training run folder", "choose another --out");

    const prior = req.resume ? readStoredRequest(req.out) : null;
    const stored: StoredRequest = { schema: REQUEST_SCHEMA, request: req, argv, command, launched_at: new Date().toISOString(), launches: (prior?.launches ?? 0) + 1 };
    // Written before spawning, so a folder always says what was asked; the environment (tokens) is never stored.
    writeFileSync(files.request, JSON.stringify(stored, null, 2) + "\n");
    rmSync(files.exit, { force: true });
    appendFileSync(files.log, `\n=== ${stored.launched_at} launch ${stored.launches}${req.resume ? " (resume)" : ""}: ${command}\n`);

    let progress = emptyProgress();
    let replaying = true;
    const tail = new JsonlTail(
        files.events,
        (v) => {
            const e = asTrainerEvent(v);
            if (!e) return;
            progress = reduceProgress(progress, e);
            if (!replaying) opts.onEvent?.(e, progress);
        },
        { pollMs: opts.pollMs }
    );
    // A resumed run: the earlier launches' events give the curves so far, without being reported as new.
    tail.read();
    replaying = false;

    const started = Date.now();
    const child: ChildProcess = spawnGroup(argv, { cwd: opts.cwd, env: { ...(opts.env ?? process.env), PYTHONUNBUFFERED: "1" }, logFile: files.log });
    const pid = child.pid ?? -1;
    if (pid > 0) writeFileSync(files.pid, `${pid}\n`);
    // The lock holds while the trainer lives, even if we are killed.
    if (pid > 0) lock.setChild(pid);
    tail.start();

    let state: LaunchState = "running";
    let aborting = false;
    // Our own exit (an uncaught error, process.exit) must not leave a detached trainer behind.
    const onOurExit = () => {
        if (state === "running" || state === "stopping") {
            try {
                process.kill(-pid, "SIGTERM");
            } catch {
                /* gone */
            }
        }
    };
    if (pid > 0) process.on("exit", onOurExit);

    const finished = new Promise<TrainingOutcome>((resolveOutcome) => {
        let settled = false;
        const finish = async (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
            if (settled) return;
            settled = true;
            tail.stop(true);
            // Leftovers of a trainer that exited on its own (workers it did not join) go with it.
            if (pid > 0 && groupAlive(pid)) await killGroup(pid, 2000);
            process.off("exit", onOurExit);
            rmSync(files.pid, { force: true });
            const result = readResult(files.result) ?? progress.result ?? undefined;
            const ok = code === 0 && result !== undefined;
            const status: TrainingOutcome["status"] = ok ? "done" : aborting ? "aborted" : "failed";
            let reason: string | undefined;
            if (spawnError) reason = `could not start ${argv[0]}: ${spawnError.message}`;
            else if (status === "failed") {
                const how = signal ? `killed by ${signal}` : code === 0 ? "exited 0 without writing result.json" : `exit code ${code}`;
                reason = progress.error ? `${progress.error.message} (${how})` : how;
            } else if (status === "aborted") reason = "aborted";
            const outcome: TrainingOutcome = {
                status,
                out: req.out,
                code,
                signal,
                reason,
                error: progress.error ?? undefined,
                lastLines: status === "done" ? [] : lastLines(files.log, LAST_LINES),
                result,
                elapsedS: (Date.now() - started) / 1000,
                endedAt: new Date().toISOString()
            };
            state = status;
            try {
                writeFileSync(files.exit, JSON.stringify(outcome, null, 2) + "\n");
            } catch {
                // The folder went away; the caller still gets the outcome.
            }
            lock.release();
            opts.onExit?.(outcome);
            resolveOutcome(outcome);
        };
        child.once("error", (err) => void finish(null, null, err));
        child.once("exit", (code, signal) => void finish(code, signal));
    });

    let aborted: Promise<TrainingOutcome> | null = null;
    return {
        request: req,
        argv,
        command,
        out: req.out,
        pid,
        lockNote: lock.tookOver,
        get state() {
            return state;
        },
        get progress() {
            return progress;
        },
        finished,
        abort() {
            aborted ??= (async () => {
                if (state === "running") {
                    aborting = true;
                    state = "stopping";
                    if (pid > 0) await killGroup(pid, opts.graceMs ?? 5000);
                }
                return finished;
            })();
            return aborted;
        }
    };
}

/** Relaunches the request stored in `out` with --resume: the trainer continues from its last checkpoint and skips finished stages. */
export function resumeTraining(out: string, opts: LaunchOptions & { processes?: number; merge?: boolean } = {}): TrainingRun {
    const stored = readStoredRequest(out);
    if (!stored) throw new TrainingLaunchError(`nothing to resume in ${out}: it has no request.json of a training run`);
    const { processes, merge, ...launch } = opts;
    return launchTraining({ ...stored.request, out, resume: true, processes: processes ?? stored.request.processes, merge: merge ?? stored.request.merge }, launch);
}

function readResult(file: string): TrainingResult | null {
    try {
        return JSON.parse(readFileSync(file, "utf8")) as TrainingResult;
    } catch {
        return null;
    }
}
