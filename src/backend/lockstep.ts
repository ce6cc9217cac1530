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
    private readonly pending = new Map<number, { iter: AsyncIterator<T>; resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }>();

    /** Number of slots currently generating. */
    get generating(): number {
        return this.active.size;
    }

    /** Asks for slot `slot`'s next token; the first call registers the slot as generating. */
    step(slot: number, iter: AsyncIterator<T>): Promise<IteratorResult<T>> {
        this.active.add(slot);
        return new Promise((resolve, reject) => {
            this.pending.set(slot, { iter, resolve, reject });
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
        for (const [, p] of batch) p.iter.next().then(p.resolve, p.reject);
    }
}
