// First: Ink must load after the CI markers are dropped (see liveEnv.ts).
import "./liveEnv.js";
import { backoffLine } from "../src/endpoints/backoffLine.js";
import { render } from "ink";
import type { ReactElement } from "react";
import type { Backend, ParallelBackend } from "../src/backend/types.js";
import { closeLab, openLab, type Lab } from "../src/lab.js";
import type { Settings, SettingsStore } from "../src/settings.js";
import type { TaskSet } from "../src/tasks/types.js";
import { closeMathWorker } from "../src/verify/math.js";
import { App } from "./App.js";
import { LabContext } from "./context.js";
import { LabController } from "./controller.js";
import { Loading } from "./Loading.js";
import { createUiStore, type UiStore } from "./store.js";

export interface RunTuiOptions {
    settings: Settings;
    settingsStore: SettingsStore;
    tasks: TaskSet;
    startIndex?: number;
    /** Defaults to the local node-llama-cpp backend built from the settings. */
    backend?: Backend;
    sessionsDir?: string;
    promptsDir?: string;
    /** Default process.stdout / process.stdin; tests pass fakes. */
    stdout?: NodeJS.WriteStream;
    stdin?: NodeJS.ReadStream;
}

export interface MountedLab {
    store: UiStore;
    controller: LabController;
    /** <App/> inside its context provider, ready for Ink's render. */
    element: ReactElement;
}

/** Builds the UI store and controller for an opened lab and starts the first item's loop. */
export function mountLab(opts: { lab: Lab; tasks: TaskSet; settingsStore: SettingsStore; startIndex?: number; batchBackend?: () => ParallelBackend }): MountedLab {
    const { lab, tasks, settingsStore } = opts;
    const store = createUiStore({ settings: lab.settings, tasks, backend: lab.backend.info, sessionDir: lab.recorder.dir });
    const controller = new LabController({ lab, tasks, store, settingsStore, batchBackend: opts.batchBackend });
    controller.start(opts.startIndex ?? 0);
    const element = (
        <LabContext.Provider value={{ store, controller }}>
            <App />
        </LabContext.Provider>
    );
    return { store, controller, element };
}

/**
 * The interactive lab: loads the model (showing progress), runs the TUI until the user quits,
 * then aborts any running generation, closes the lab and prints the session folder.
 * Returns the exit code (also set on process.exitCode): 0, or 1 when the model could not be loaded.
 */
export async function runTui(opts: RunTuiOptions): Promise<number> {
    const lines: string[] = [];
    const stdout = opts.stdout ?? process.stdout;
    // ctrl+c goes through the keymap (quit), so a running generation is aborted and the lab closed properly.
    const ink = render(<Loading model={opts.settings.model} lines={lines} />, {
        exitOnCtrlC: false,
        stdout,
        stdin: opts.stdin ?? process.stdin,
        // Console patching only makes sense on the real terminal.
        patchConsole: opts.stdout === undefined
    });
    let lab: Lab;
    let mounted: MountedLab | undefined;
    try {
        lab = await openLab({
            settings: opts.settings,
            kind: "lab",
            backend: opts.backend,
            sessionsDir: opts.sessionsDir,
            promptsDir: opts.promptsDir,
            // A remote model's retries show on the status line once the lab is mounted.
            onBackoff: (ev) => mounted?.store.getState().setStatus(backoffLine(ev)),
            onProgress: (msg) => {
                lines.push(msg);
                ink.rerender(<Loading model={opts.settings.model} lines={[...lines]} />);
            }
        });
    } catch (e) {
        ink.rerender(<Loading model={opts.settings.model} lines={lines} error={(e as Error).message} />);
        ink.unmount();
        await ink.waitUntilExit().catch(() => {});
        process.exitCode = 1;
        return 1;
    }
    try {
        mounted = mountLab({ lab, tasks: opts.tasks, settingsStore: opts.settingsStore, startIndex: opts.startIndex });
        ink.clear();
        ink.rerender(mounted.element);
        await ink.waitUntilExit();
    } finally {
        // Quit is idempotent: covers exits that did not come through the q key (errors, signals).
        await mounted?.controller.quit();
        ink.unmount();
        await closeLab(lab);
        closeMathWorker();
    }
    stdout.write(`session saved in ${lab.recorder.dir}\n`);
    return 0;
}
