/**
 * Smoothed rates for the batch dashboard and the headless progress lines. Tokens are reported when a
 * generation ends (one event per step, hundreds of tokens at once), and with every slot in lockstep a
 * fixed 10 s window often holds none of them: tok/s fell to 0.0 while all slots were busy. Items end
 * in bursts too, so an ETA from the last rate jumped (7m14 → 8m55 → 4m29). Both are smoothed here.
 */

export interface WindowRateOptions {
    /** The sliding window. */
    windowMs: number;
    /** The window widens back in time until it holds at least this many events (buckets). */
    minEvents: number;
    /** Events closer than this to the previous one are summed into it: a bounded window whatever the event rate. */
    bucketMs?: number;
}

/**
 * Amounts per second over a sliding window that widens to hold at least `minEvents` events: once an
 * event has come, the rate is never 0, and when events stop it decays smoothly instead of dropping.
 */
export class WindowRate {
    private readonly events: { t: number; n: number }[] = [];
    private readonly bucketMs: number;

    constructor(private readonly opts: WindowRateOptions) {
        this.bucketMs = opts.bucketMs ?? 250;
    }

    add(t: number, n: number): void {
        const last = this.events.at(-1);
        if (last && t - last.t < this.bucketMs) last.n += n;
        else this.events.push({ t, n });
        this.prune(t);
    }

    /** Per second at `now`, counted from `since` (the run's start) at the earliest; null before the first event. */
    rate(now: number, since: number): number | null {
        this.prune(now);
        const ev = this.events;
        if (!ev.length) return null;
        const from = now - this.opts.windowMs;
        let first = ev.findIndex((e) => e.t > from);
        if (first < 0) first = ev.length;
        let start: number;
        if (ev.length - first >= this.opts.minEvents) start = from;
        else {
            // Too few events in the window: the last minEvents, measured from the event before them.
            first = Math.max(0, ev.length - this.opts.minEvents);
            start = first > 0 ? ev[first - 1]!.t : since;
        }
        let sum = 0;
        for (let i = first; i < ev.length; i++) sum += ev[i]!.n;
        const seconds = Math.max(now - Math.max(start, since), 1) / 1000;
        return sum / seconds;
    }

    /** Keeps the events inside the window plus the last minEvents + 1 (the widened window and its anchor). */
    private prune(now: number): void {
        const from = now - this.opts.windowMs;
        while (this.events.length > this.opts.minEvents + 1 && this.events[0]!.t <= from) this.events.shift();
    }
}

export interface EtaOptions {
    /** Time constant of the exponential moving average towards the raw estimate. */
    tauMs?: number;
    /** The shown ETA changes by at most this factor per second (a faster update gets a smaller share). */
    maxFactor?: number;
}

/**
 * A shown ETA that counts down with the clock between updates and moves towards the raw estimate
 * (items left / items per second) as an exponential moving average, by a bounded factor per update.
 */
export class EtaSmoother {
    private shown: number | null = null;
    private at = 0;
    private readonly tauMs: number;
    private readonly maxFactor: number;

    constructor(opts: EtaOptions = {}) {
        this.tauMs = opts.tauMs ?? 20_000;
        this.maxFactor = opts.maxFactor ?? 1.25;
    }

    /** The ETA to show at `now` (seconds), given the raw one (null = no rate yet; 0 = nothing left). */
    update(now: number, raw: number | null): number | null {
        if (raw === 0) return this.set(now, 0);
        if (this.shown === null) return raw === null ? null : this.set(now, raw);
        const dt = Math.max(0, now - this.at);
        const predicted = Math.max(0, this.shown - dt / 1000);
        if (raw === null) return this.set(now, predicted);
        const a = 1 - Math.exp(-dt / this.tauMs);
        const f = 1 + (this.maxFactor - 1) * Math.min(1, dt / 1000);
        // The bound is a factor, with a few seconds of slack so a small ETA can still grow.
        const lo = predicted / f - 2;
        const hi = predicted * f + 2;
        return this.set(now, Math.max(0, Math.min(hi, Math.max(lo, predicted + a * (raw - predicted)))));
    }

    private set(now: number, v: number): number {
        this.shown = v;
        this.at = now;
        return v;
    }
}

/** An ETA rounded for display: 5 s steps under a minute, 10 s under ten, whole minutes under an hour, then 5 minutes. */
export function roundEta(seconds: number): number {
    const step = seconds < 60 ? 5 : seconds < 600 ? 10 : seconds < 3600 ? 60 : 300;
    return Math.round(seconds / step) * step;
}
