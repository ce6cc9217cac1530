import { useStdout } from "ink";
import { useEffect, useRef, useState } from "react";

/** Erase the screen and home the cursor: a resize reflows what was drawn, which Ink's own erase misses (ghost copies). */
const CLEAR_SCREEN = "\u001b[2J\u001b[H";

export interface TerminalSize {
    columns: number;
    rows: number;
}

/** The size a stream that reports none (a pipe, a test) is taken to have. */
export const DEFAULT_TERMINAL_SIZE: TerminalSize = { columns: 80, rows: 24 };

/** The size the wide screens (batch dashboard and its panels, curate, endpoints) have always assumed without one. */
export const WIDE_TERMINAL_SIZE: TerminalSize = { columns: 100, rows: 40 };

export interface TerminalSizeOptions {
    /** Sizes the caller fixes (a test, a parent that measured): used as given; with both, resizes are not followed. */
    columns?: number;
    rows?: number;
    /** The size when the stream reports none; default 80x24 (the batch dashboard keeps its 100x40). */
    fallback?: TerminalSize;
    /** Rows left free below the frame when the stream reports its rows (the presenter keeps the cursor's row). */
    reserveRows?: number;
    /**
     * Wipe the screen on a resize that changes the size, so the screen redraws cleanly: the wipe goes
     * straight to the terminal (Ink's own write would draw the stale frame again after it), and the
     * re-render that follows draws the new frame from the top (it differs, since the size did).
     */
    clear?: boolean;
}

/** The stream's size, the fallback where it reports none; fixed sizes win, reserved rows come off a reported height. */
export function terminalSize(stdout: { columns?: number; rows?: number } | undefined, opts: TerminalSizeOptions = {}): TerminalSize {
    const fallback = opts.fallback ?? DEFAULT_TERMINAL_SIZE;
    const reported = stdout?.rows ? Math.max(1, stdout.rows - (opts.reserveRows ?? 0)) : fallback.rows;
    return { columns: opts.columns ?? (stdout?.columns || fallback.columns), rows: opts.rows ?? reported };
}

/** stdout's size, following resizes: the screen re-renders when the terminal's size changes. */
export function useTerminalSize(opts: TerminalSizeOptions = {}): TerminalSize {
    const { stdout } = useStdout();
    const [, bump] = useState(0);
    const last = useRef(terminalSize(stdout));
    const fixed = opts.columns !== undefined && opts.rows !== undefined;
    const clear = opts.clear ?? false;
    useEffect(() => {
        if (!stdout || fixed) return;
        const on = () => {
            const now = terminalSize(stdout);
            const changed = now.columns !== last.current.columns || now.rows !== last.current.rows;
            last.current = now;
            if (!changed) return;
            if (clear) stdout.write(CLEAR_SCREEN);
            bump((n) => n + 1);
        };
        stdout.on("resize", on);
        return () => void stdout.off("resize", on);
    }, [stdout, fixed, clear]);
    return terminalSize(stdout, opts);
}
