// Shared by the view tests: polling for a frame, and TTY stand-ins for runTui/runBatchDashboard.
import { EventEmitter } from "node:events";

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
