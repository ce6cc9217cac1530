import { AbortedError } from "../endpoints/errors.js";

/** At most `limit` holders at once; waiters go in arrival order and leave when their signal fires. */
export class Semaphore {
    private active = 0;
    private readonly waiting: { grant: () => void; signal?: AbortSignal }[] = [];

    constructor(readonly limit: number) {}

    /** Resolves with a release function once a place is free; rejects with AbortedError on abort. */
    acquire(signal?: AbortSignal): Promise<() => void> {
        if (signal?.aborted) return Promise.reject(new AbortedError());
        if (this.active < this.limit) {
            this.active++;
            return Promise.resolve(this.releaser());
        }
        return new Promise((resolve, reject) => {
            const entry = {
                signal,
                grant: () => {
                    signal?.removeEventListener("abort", onAbort);
                    resolve(this.releaser());
                }
            };
            const onAbort = () => {
                const i = this.waiting.indexOf(entry);
                if (i >= 0) this.waiting.splice(i, 1);
                reject(new AbortedError());
            };
            signal?.addEventListener("abort", onAbort, { once: true });
            this.waiting.push(entry);
        });
    }

    private releaser(): () => void {
        let done = false;
        return () => {
            if (done) return;
            done = true;
            const next = this.waiting.shift();
            // The place passes straight to the next waiter, so `active` stays counted.
            if (next) next.grant();
            else this.active--;
        };
    }
}
