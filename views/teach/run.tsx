// First: Ink must load after the CI markers are dropped (see liveEnv.ts).
import "../liveEnv.js";
import { render } from "ink";
import { TeachApp, type TeachAppProps } from "./TeachApp.js";

type AppProps = Omit<TeachAppProps, "onQuit">;

/** Changes the running app's props (the live driver: a new walkthrough as the model streams, what it is doing). */
export interface TeachHandle {
    update(props: Partial<AppProps>): void;
    /** Ends the app as q would (runTeach then resolves). */
    quit(): void;
}

export interface RunTeachOptions extends AppProps {
    /** Default process.stdout / process.stdin; tests pass fakes. */
    stdout?: NodeJS.WriteStream;
    stdin?: NodeJS.ReadStream;
    /** Called once, before the first key can arrive, with a handle to update the props. */
    onReady?(handle: TeachHandle): void;
}

/**
 * `reflect-lab teach` on a terminal: renders TeachApp until the teacher quits (q, or ctrl+c, which
 * reaches the app as a key so it quits cleanly), then unmounts. The frame is cleared so the shell
 * prompt does not land in the middle of a slide.
 */
export async function runTeach(opts: RunTeachOptions): Promise<void> {
    const { stdout, stdin, onReady, ...initial } = opts;
    let props: AppProps = initial;
    let quit!: () => void;
    const quitted = new Promise<void>((resolve) => (quit = resolve));
    const element = () => <TeachApp {...props} onQuit={quit} />;
    const ink = render(element(), {
        exitOnCtrlC: false,
        stdout: stdout ?? process.stdout,
        stdin: stdin ?? process.stdin,
        patchConsole: stdout === undefined
    });
    let ended = false;
    onReady?.({
        update(patch) {
            if (ended) return;
            props = { ...props, ...patch };
            ink.rerender(element());
        },
        quit: () => quit()
    });
    try {
        await quitted;
    } finally {
        ended = true;
        ink.clear();
        ink.unmount();
        await ink.waitUntilExit().catch(() => {});
    }
}
