import { ERROR_GROUPS, ERROR_TYPES, type ErrorGroup, type ErrorType } from "./errorTypes.js";
import { TagStore } from "./tagStore.js";

/** Error types of one task's (or all) tagged reflections. */
export interface ErrorTypeCounts {
    /** Reflections tagged with a readable "Types:" line: the denominator of the shares. */
    reflections: number;
    /** Tagged, but the teacher's answer had no readable "Types:" line (not in `reflections`). */
    unparsed: number;
    /** Reflections that name no error type. */
    none: number;
    counts: Record<ErrorType, number>;
    /**
     * count / reflections. A reflection can name several types, so the shares add up to more than
     * 1, as in the paper's Fig. 2b ("logic and reasoning 88.4%, instruction violation 47.9%").
     */
    shares: Record<ErrorType, number>;
    /** The paper's coarse groups: reflections naming at least one type of the group. */
    groups: Record<ErrorGroup, { count: number; share: number }>;
}

export interface ErrorTypeBreakdown {
    /** Teacher models that made the tags (normally one). */
    teachers: string[];
    /** All stored tags, readable or not. */
    tagged: number;
    overall: ErrorTypeCounts;
    perTask: Record<string, ErrorTypeCounts>;
}

const zero = <T extends string>(keys: readonly T[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<T, number>;
const GROUPS = Object.keys(ERROR_GROUPS) as ErrorGroup[];

class Tally {
    reflections = 0;
    unparsed = 0;
    none = 0;
    counts = zero(ERROR_TYPES);
    groups = zero(GROUPS);

    add(types: ErrorType[], parsed: boolean): void {
        if (!parsed) return void this.unparsed++;
        this.reflections++;
        if (!types.length) this.none++;
        for (const t of types) this.counts[t]++;
        for (const g of GROUPS) if (types.some((t) => (ERROR_GROUPS[g] as readonly ErrorType[]).includes(t))) this.groups[g]++;
    }

    result(): ErrorTypeCounts {
        const share = (n: number) => (this.reflections ? n / this.reflections : 0);
        return {
            reflections: this.reflections,
            unparsed: this.unparsed,
            none: this.none,
            counts: { ...this.counts },
            shares: Object.fromEntries(ERROR_TYPES.map((t) => [t, share(this.counts[t])])) as Record<ErrorType, number>,
            groups: Object.fromEntries(GROUPS.map((g) => [g, { count: this.groups[g], share: share(this.groups[g]) }])) as ErrorTypeCounts["groups"]
        };
    }
}

/** Per task and overall counts and shares of the error types in a run's teacher.sqlite; null when nothing is tagged. */
export function errorTypeBreakdown(runDir: string): ErrorTypeBreakdown | null {
    // Never create teacher.sqlite just to look: a report must not change the run folder.
    if (!TagStore.exists(runDir)) return null;
    const store = TagStore.open(runDir);
    try {
        const overall = new Tally();
        const tasks = new Map<string, Tally>();
        const teachers = new Set<string>();
        let tagged = 0;
        for (const r of store.summaries()) {
            tagged++;
            teachers.add(r.teacherModel);
            let t = tasks.get(r.task);
            if (!t) tasks.set(r.task, (t = new Tally()));
            t.add(r.types, r.parsed);
            overall.add(r.types, r.parsed);
        }
        if (!tagged) return null;
        const perTask: Record<string, ErrorTypeCounts> = {};
        for (const [task, t] of [...tasks.entries()].sort((a, b) => a[0].localeCompare(b[0]))) perTask[task] = t.result();
        return { teachers: [...teachers].sort(), tagged, overall: overall.result(), perTask };
    } finally {
        store.close();
    }
}

const pct = (x: number) => (100 * x).toFixed(1);

/** The plain-text table `report` and `tag-errors` print: share of reflections naming each type, per task. */
export function formatErrorTypes(b: ErrorTypeBreakdown): string {
    const unparsed = b.overall.unparsed ? `, ${b.overall.unparsed} unreadable` : "";
    const title = `error types named by the reflections (% of tagged reflections; teacher ${b.teachers.join(", ")}; ${b.overall.reflections} tagged${unparsed})`;
    const head = ["task", "N", ...ERROR_TYPES, "none"];
    const row = (name: string, c: ErrorTypeCounts) => [name, String(c.reflections), ...ERROR_TYPES.map((t) => pct(c.shares[t])), pct(c.reflections ? c.none / c.reflections : 0)];
    const rows = [head, ...Object.entries(b.perTask).map(([t, c]) => row(t, c)), row("overall", b.overall)];
    const widths = head.map((_, i) => Math.max(...rows.map((x) => x[i]!.length)));
    const table = rows.map((x) => x.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join("\n");
    const g = b.overall.groups;
    const groups = `groups: math ${pct(g.math.share)}% · logic and reasoning ${pct(g.reasoning.share)}% · instruction violation ${pct(g.instruction.share)}% · factual ${pct(g.factual.share)}%`;
    return `${title}\n${table}\n${groups}`;
}
