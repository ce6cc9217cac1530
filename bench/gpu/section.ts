// bench:gpu's sections: a header line each, the elapsed time after it, and every failure named by its section.

export type Log = (line?: string) => void;
export const log: Log = (line = "") => void process.stdout.write(line + "\n");

/** The header a section starts with; the parent process reads it from the llama child's output to name a crash. */
export const header = (name: string): string => `== ${name} ==`;
export const HEADER_RE = /^== ([\w-]+) ==$/;

export class SectionFailure extends Error {
    constructor(
        readonly section: string,
        message: string
    ) {
        super(message);
    }
}

/** Wall-clock ms (Date.now), so a section begun in the parent process can be timed to its end in the child. */
export const seconds = (t0: number): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/**
 * Runs one section: prints its header (unless it continues one the parent began at `t0`), then its
 * elapsed time; any error becomes a SectionFailure naming it.
 */
export async function section<T>(name: string, fn: () => Promise<T> | T, o: { continuedFrom?: number } = {}): Promise<T> {
    if (o.continuedFrom === undefined) log(header(name));
    const t0 = o.continuedFrom ?? Date.now();
    try {
        const r = await fn();
        log(`${name}: ${seconds(t0)}`);
        return r;
    } catch (e) {
        if (e instanceof SectionFailure) throw e;
        throw new SectionFailure(name, e instanceof Error ? e.message : String(e));
    }
}

/** The one failure line (stderr) and exit 1. */
export function fail(e: unknown): never {
    const name = e instanceof SectionFailure ? e.section : "bench";
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`bench:gpu: ${name} failed: ${msg}\n`);
    process.exit(1);
}

export const f1 = (x: number): string => x.toFixed(1);
export const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;
