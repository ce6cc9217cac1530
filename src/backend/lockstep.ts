/**
 * Steps the token generators of several context sequences together: once every generating
 * slot has asked for its next token, all of them are requested in the same tick, in slot order.
 * node-llama-cpp then decodes them as one full batch (llama.cpp splits a batch at every break
 * in increasing sequence ids, so order matters). Letting each sequence re-queue on its own
 * leaves batches of P-1 tokens or fewer: measured here, about half the throughput at P = 8.
 */
export class LockstepScheduler<T> {
    private readonly active = new Set<number>();
    /** Batches flushed and slot-steps in them: steps / flushes is the mean batch occupancy (the bench reports it). */
    readonly stats = { flushes: 0, steps: 0 };
    /** Native time of the flushes (decode + sampling), by batch size: the bench's time breakdown reads it. */
    readonly timing = new FlushTiming();
    private readonly pending = new Map<number, { iter: AsyncIterator<T>; first: boolean; resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }>();

    /** Number of slots currently generating. */
    get generating(): number {
        return this.active.size;
    }

    /** Asks for slot `slot`'s next token; the first call registers the slot as generating. */
    step(slot: number, iter: AsyncIterator<T>): Promise<IteratorResult<T>> {
        // A slot not yet generating starts a new generation: its first step evaluates the prompt.
        const first = !this.active.has(slot);
        this.active.add(slot);
        return new Promise((resolve, reject) => {
            this.pending.set(slot, { iter, first, resolve, reject });
            this.flushIfReady();
        });
    }

    /** The slot stopped generating (end, limit, abort or error): the others no longer wait for it. */
    leave(slot: number): void {
        this.active.delete(slot);
        this.flushIfReady();
    }

    private scheduled = false;

    /** Flushes on the next macrotask, so slots that join in the same tick land in the same batch. */
    private flushIfReady(): void {
        if (this.scheduled || this.pending.size === 0 || this.pending.size < this.active.size) return;
        this.scheduled = true;
        setImmediate(() => {
            this.scheduled = false;
            if (this.pending.size === 0 || this.pending.size < this.active.size) return;
            this.flush();
        });
    }

    private flush(): void {
        const batch = [...this.pending.entries()].sort((a, b) => a[0] - b[0]);
        this.pending.clear();
        this.stats.flushes++;
        this.stats.steps += batch.length;
        // One performance.now() pair per flush: from the requests to the last token back.
        const t0 = performance.now();
        const first = batch.some(([, p]) => p.first);
        let left = batch.length;
        const back = () => {
            if (--left === 0) this.timing.record(batch.length, first, performance.now() - t0);
        };
        for (const [, p] of batch)
            p.iter.next().then(
                (r) => (back(), p.resolve(r)),
                (e) => (back(), p.reject(e))
            );
    }
}

/** Flush times of one batch size. */
export interface FlushSizeTimes {
    /** Flushes of decode steps only (no sequence's first step): count, summed ms, and a recent sample for the median. */
    decodeCount: number;
    decodeMs: number;
    decodeSample: number[];
    /** Flushes that carried a sequence's first step (its prompt evaluation): count and summed ms. */
    firstCount: number;
    firstMs: number;
}

const SAMPLE = 1024;

/** Aggregates per batch size, with a bounded sample, so a 10,000-item run keeps flat memory. */
export class FlushTiming {
    readonly bySize = new Map<number, FlushSizeTimes>();

    record(size: number, first: boolean, ms: number): void {
        let t = this.bySize.get(size);
        if (!t) this.bySize.set(size, (t = { decodeCount: 0, decodeMs: 0, decodeSample: [], firstCount: 0, firstMs: 0 }));
        if (first) {
            t.firstCount++;
            t.firstMs += ms;
            return;
        }
        // A ring: the sample holds the latest SAMPLE decode flushes.
        if (t.decodeSample.length < SAMPLE) t.decodeSample.push(ms);
        else t.decodeSample[t.decodeCount % SAMPLE] = ms;
        t.decodeCount++;
        t.decodeMs += ms;
    }

    /** Drops what was recorded (the bench reads one run at a time). */
    reset(): void {
        this.bySize.clear();
    }
}
