import { useEffect, useRef } from "react";

/** Fast enough to look smooth at 200 chars/s, slow enough that Ink (which paints at most ~30 fps) is not flooded. */
const TICK_MS = 40;

export interface TypewriterOptions {
    /** Characters the stage has now (live: it may still grow). */
    length: number;
    /** Characters typed so far. */
    typed: number;
    /** Characters per second; Infinity = no typing. */
    cps: number;
    paused: boolean;
    /** Off for stages that are not typed (not streamed, already done) and while another view is shown. */
    active: boolean;
    /** Adds characters (the receiver caps them at `length`). */
    onType: (chars: number) => void;
}

/**
 * Types a stage out at `cps` characters per second. Time is measured, not assumed per tick, so a
 * slow machine types at the same pace in bigger steps; the fraction of a character left over is
 * carried to the next tick. The timer runs only while there is something to type, so a finished,
 * paused or instant stage costs nothing, and it restarts when a live stage's text grows.
 */
export function useTypewriter({ length, typed, cps, paused, active, onType }: TypewriterOptions): void {
    const onTypeRef = useRef(onType);
    onTypeRef.current = onType;
    const behind = typed < length;
    const run = active && !paused && Number.isFinite(cps) && cps > 0 && behind;

    useEffect(() => {
        if (!run) return;
        let last = Date.now();
        let carry = 0;
        const timer = setInterval(() => {
            const now = Date.now();
            carry += ((now - last) * cps) / 1000;
            last = now;
            const whole = Math.floor(carry);
            if (whole > 0) {
                carry -= whole;
                onTypeRef.current(whole);
            }
        }, TICK_MS);
        return () => clearInterval(timer);
    }, [run, cps]);
}
