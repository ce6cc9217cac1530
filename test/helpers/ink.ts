// Shared by the view tests: polling for a frame, TTY stand-ins for runTui/runBatchDashboard, and a
// sized terminal that keeps every frame Ink draws (for the fit tests).
import { EventEmitter } from "node:events";
import { render, type Instance } from "ink";
import type { ReactElement } from "react";
import stripAnsi from "strip-ansi";

/** Polls `get` until `pred` holds; on timeout the error shows the last value (a frame, usually). */
export async function until<T>(get: () => T, pred: (v: T) => boolean, what: string, ms = 10_000): Promise<T> {
    const t0 = Date.now();
    for (;;) {
        const v = get();
        if (pred(v)) return v;
        if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; last value:\n${String(v)}`);
        await new Promise((r) => setTimeout(r, 10));
    }
}

/** Minimal TTY stand-ins (ink-testing-library does not export its own). */
export class FakeStdout extends EventEmitter {
    columns = 100;
    rows = 40;
    isTTY = false;
    out = "";
    write = (s: string) => {
        this.out += s;
        return true;
    };
}

export class FakeStdin extends EventEmitter {
    isTTY = true;
    private data: string | null = null;
    write(data: string) {
        this.data = data;
        this.emit("readable");
    }
    read() {
        const d = this.data;
        this.data = null;
        return d;
    }
    setEncoding() {}
    setRawMode() {}
    resume() {}
    pause() {}
    ref() {}
    unref() {}
}

/**
 * A terminal of a given size (80x24 unless told) for Ink in debug mode, where every write is a whole
 * frame: it keeps them all, without colours, so a test can check the last one or every one drawn.
 */
export class Term extends EventEmitter {
    isTTY = false;
    frames: string[] = [];
    constructor(
        public columns = 80,
        public rows = 24
    ) {
        super();
    }
    write = (s: string) => {
        this.frames.push(stripAnsi(s));
        return true;
    };
    /** The last frame drawn ("" before the first). */
    get last(): string {
        return this.frames.at(-1) ?? "";
    }
    /** As a terminal window does: the new size, then a "resize" event. */
    resize(columns: number, rows: number): void {
        this.columns = columns;
        this.rows = rows;
        this.emit("resize");
    }
}

export interface Mounted {
    term: Term;
    stdin: FakeStdin;
    ink: Instance;
    /** The last frame, without colours. */
    frame(): string;
    /** Types each key, waiting `pressMs` after each for Ink to draw. */
    press(...keys: string[]): Promise<void>;
    /** Polls until the last frame contains `what` (or matches it); returns that frame. */
    waitFor(what: string | RegExp, ms?: number): Promise<string>;
    unmount(): void;
}

/** Renders `el` with Ink on a Term (default 80x24) and a FakeStdin, as the screen tests drive it. */
export function mountOn(el: ReactElement, opts: { term?: Term; pressMs?: number } = {}): Mounted {
    const term = opts.term ?? new Term();
    const stdin = new FakeStdin();
    const ink = render(el, { stdout: term as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, debug: true, exitOnCtrlC: false, patchConsole: false });
    const frame = () => term.last;
    const press = async (...keys: string[]) => {
        for (const k of keys) {
            stdin.write(k);
            await new Promise((r) => setTimeout(r, opts.pressMs ?? 25));
        }
    };
    const waitFor = (what: string | RegExp, ms?: number) => until(frame, (f) => (typeof what === "string" ? f.includes(what) : what.test(f)), String(what), ms);
    return { term, stdin, ink, frame, press, waitFor, unmount: () => ink.unmount() };
}
