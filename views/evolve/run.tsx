// First: Ink must load after the CI markers are dropped (see liveEnv.ts).
import "../liveEnv.js";
import { existsSync, readFileSync } from "node:fs";
import { render } from "ink";
import { evolvePaths } from "../../src/evolve/layout.js";
import { runEvolve, type EvolveEvent, type EvolveRequest, type EvolveResult } from "../../src/evolve/run.js";
import { EvolveInterrupted } from "../../src/evolve/steps.js";
import type { EvolveManifest } from "../../src/evolve/types.js";
import { linkedAbort } from "../batch/request.js";
import { EvolveScreen } from "./EvolveScreen.js";
import { createEvolveStore, type EvolveStoreOptions } from "./evolveStore.js";

export interface EvolveDashboardOptions {
    /**
     * Aborts the caller's AbortController, the one whose signal is `req.signal`: q / ctrl+c call it, so
     * the caller sees its own signal aborted (exit code, "continue with --resume"). Without it, the
     * dashboard aborts a controller of its own that also follows `req.signal`.
     */
    abort?: () => void;
    /** Default process.stdout / process.stdin; tests pass fakes. */
    stdout?: NodeJS.WriteStream;
    stdin?: NodeJS.ReadStream;
    /** Passed to the store (tests: the batch bridge unthrottled). */
    store?: EvolveStoreOptions;
}

/** The split from evolve.json, or null (none yet, or unreadable: the header simply goes without it). */
function readSplit(out: string): EvolveManifest["split"] | null {
    const file = evolvePaths(out).manifest;
    if (!existsSync(file)) return null;
    try {
        return (JSON.parse(readFileSync(file, "utf8")) as EvolveManifest).split ?? null;
    } catch {
        return null;
    }
}

/**
 * `reflect-lab evolve` on a terminal: the live EvolveScreen around runEvolve. q or ctrl+c stops the
 * loop (finished steps and items are kept; `--resume` continues); the final frame stays on screen.
 * Returns what runEvolve returns and rethrows what it throws (EvolveInterrupted after a stop).
 */
export async function runEvolveDashboard(req: EvolveRequest, opts: EvolveDashboardOptions = {}): Promise<EvolveResult> {
    const store = createEvolveStore({ out: req.out, setting: req.config.setting, rounds: req.config.rounds, maxTurns: req.config.maxTurns, split: readSplit(req.out) }, opts.store);
    const own = opts.abort ? null : linkedAbort(req.signal);
    const signal = own ? own.signal : req.signal;
    const stop = () => {
        store.getState().setStopping();
        if (opts.abort) opts.abort();
        else own!.abort();
    };
    // An abort from outside (SIGTERM through the caller's controller) shows as stopping too.
    const onAbort = () => store.getState().setStopping();
    signal?.addEventListener("abort", onAbort, { once: true });
    const ink = render(<EvolveScreen store={store} onStop={stop} />, {
        // ctrl+c reaches the screen as a key, so it stops the loop cleanly instead of killing the process.
        exitOnCtrlC: false,
        stdout: opts.stdout ?? process.stdout,
        stdin: opts.stdin ?? process.stdin,
        patchConsole: opts.stdout === undefined
    });
    const onEvent = (e: EvolveEvent) => {
        // runEvolve starts the next step even after an abort that came between steps (during curation,
        // say), and a training run started on an aborted signal would run to its end: stop before it.
        if (signal?.aborted && e.type === "step" && e.state === "start") throw new EvolveInterrupted(`stopped before round ${e.round} · ${e.step}`);
        req.onEvent?.(e);
        store.getState().onEvent(e);
        if (e.type === "step" && e.step === "split" && e.state === "done") {
            const split = readSplit(req.out);
            if (split) store.getState().setSplit(split);
        }
    };
    try {
        const result = await runEvolve({ ...req, signal, onEvent });
        store.getState().finish(result);
        return result;
    } catch (e) {
        store.getState().fail((e as Error).message, e instanceof EvolveInterrupted || signal?.aborted === true);
        throw e;
    } finally {
        signal?.removeEventListener("abort", onAbort);
        store.getState().dispose();
        // Let Ink paint the final frame (the table, how it ended) before unmounting; it stays on screen.
        await new Promise((r) => setTimeout(r, 50));
        ink.unmount();
        await ink.waitUntilExit().catch(() => {});
    }
}
