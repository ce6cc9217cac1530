// Where a batch run's wall time goes, per generated token: decode, sampling, JS work, verification,
// prefill, idle slots. Pure arithmetic over what the bench measured, so it is unit-tested with
// hand-made numbers (test/bench-breakdown.test.ts).
//
// The ledger is slot time: P slots over the wall time W hold P·W slot-ms, and every slot-ms goes to
// exactly one part, so the parts (divided by P, in wall ms) sum to W.
//  - From the batch's "slot" events, each slot's time is in the verify phase (verification), the idle
//    phase (no work left: idle slots) or a generating phase (question/answer/reflect/correct, and the
//    start-up before a slot's first event).
//  - Generating-phase time is split with the lockstep scheduler's flush timing: every slot of a flush
//    waits for its native work (flush to last token), so a flush of size s lasting m ms holds s·m
//    slot-ms of native time; the rest of generating-phase time is JS work (prompts, templates,
//    detokenizing, waiting for the next flush).
//  - Native time splits into prefill (a flush carrying a sequence's first step, beyond the median
//    decode-only flush of the same size) and decode steps; decode steps into sampling (the share the
//    bare driver loses when it samples like the runner instead of greedily) and decode.
// A slot that waits in a verify phase while others decode lowers the batch occupancy: that cost shows
// up here as verification, and a slot with nothing left to do as idle slots.
import type { FlushSizeTimes } from "../src/backend/lockstep.js";
import type { SlotPhase } from "../src/batch/types.js";

export const PARTS = ["decode", "sampling", "JS work", "verification", "prefill", "idle slots"] as const;
export type Part = (typeof PARTS)[number];

export interface PhaseSlotMs {
    /** slot-ms in a generating phase (and start-up) */
    work: number;
    verify: number;
    idle: number;
}

export interface PhaseMark {
    atMs: number;
    slot: number;
    phase: SlotPhase;
}

/**
 * Slot-ms per phase kind over [startMs, endMs] for P slots, from the "slot" events (time-ordered).
 * Before its first event a slot counts as working (the run starting up); each event's phase lasts
 * until that slot's next event or the end.
 */
export function phaseSlotMs(marks: PhaseMark[], P: number, startMs: number, endMs: number): PhaseSlotMs {
    if (!(endMs >= startMs)) throw new Error(`the run ends (${endMs}) before it starts (${startMs})`);
    const out: PhaseSlotMs = { work: 0, verify: 0, idle: 0 };
    const kind = (p: SlotPhase): keyof PhaseSlotMs => (p === "verify" ? "verify" : p === "idle" ? "idle" : "work");
    const since = Array.from({ length: P }, () => ({ at: startMs, kind: "work" as keyof PhaseSlotMs }));
    for (const m of marks) {
        const s = since[m.slot];
        if (!s) throw new Error(`slot ${m.slot} is outside the ${P} slots of the run`);
        const at = Math.min(Math.max(m.atMs, s.at), endMs);
        out[s.kind] += at - s.at;
        s.at = at;
        s.kind = kind(m.phase);
    }
    for (const s of since) out[s.kind] += endMs - s.at;
    return out;
}

export function median(xs: number[]): number {
    if (xs.length === 0) throw new Error("median of no numbers");
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Share of a decode step's time spent sampling: 1 - sampled/greedy tokens/s (0 when noise makes sampling look free). */
export function samplingShare(greedyTokensPerSecond: number, sampledTokensPerSecond: number): number {
    if (!(greedyTokensPerSecond > 0) || !(sampledTokensPerSecond > 0)) throw new Error(`sampling share needs positive tokens/s, got greedy ${greedyTokensPerSecond}, sampled ${sampledTokensPerSecond}`);
    return Math.max(0, 1 - sampledTokensPerSecond / greedyTokensPerSecond);
}

/** Native slot-ms of all flushes, and the part of it that is prefill. */
export function nativeSlotMs(bySize: Map<number, FlushSizeTimes>): { native: number; prefill: number } {
    const sizes = [...bySize.entries()].filter(([, t]) => t.decodeSample.length > 0).map(([s]) => s);
    let native = 0, prefill = 0;
    for (const [size, t] of bySize) {
        native += size * (t.decodeMs + t.firstMs);
        if (t.firstCount === 0 || sizes.length === 0) continue; // no decode-only flush to compare with: all counted as decode
        // The decode step a prefill flush would have cost: the median of its own size, else of the nearest measured size.
        const near = sizes.reduce((a, b) => (Math.abs(b - size) < Math.abs(a - size) ? b : a));
        const base = median(bySize.get(near)!.decodeSample);
        prefill += size * Math.max(0, t.firstMs - t.firstCount * base);
    }
    return { native, prefill };
}

export interface BreakdownInput {
    wallMs: number;
    P: number;
    generatedTokens: number;
    flushes: Map<number, FlushSizeTimes>;
    phases: PhaseSlotMs;
    /** samplingShare() at this P */
    samplingShare: number;
}

export interface BreakdownRow {
    part: Part;
    /** wall-equivalent ms (slot-ms / P) */
    ms: number;
    msPerToken: number;
    /** share of the wall time, 0..1 */
    share: number;
}

export function breakdown(b: BreakdownInput): BreakdownRow[] {
    if (!(b.wallMs > 0) || !(b.P >= 1) || !(b.generatedTokens > 0)) throw new Error(`a breakdown needs positive wall time, P and generated tokens (got ${b.wallMs} ms, P ${b.P}, ${b.generatedTokens} tokens)`);
    if (!(b.samplingShare >= 0 && b.samplingShare < 1)) throw new Error(`sampling share must be in [0, 1), got ${b.samplingShare}`);
    const slotMs = b.phases.work + b.phases.verify + b.phases.idle;
    if (Math.abs(slotMs - b.P * b.wallMs) > 1e-6 * b.P * b.wallMs + 1e-6) throw new Error(`the slot phases hold ${slotMs} slot-ms, not P x wall = ${b.P * b.wallMs}`);
    const { native, prefill } = nativeSlotMs(b.flushes);
    const steps = native - prefill;
    const slot: Record<Part, number> = {
        decode: steps * (1 - b.samplingShare),
        sampling: steps * b.samplingShare,
        // The remainder of generating-phase time; only clock rounding could make it negative.
        "JS work": b.phases.work - native,
        verification: b.phases.verify,
        prefill,
        "idle slots": b.phases.idle
    };
    return PARTS.map((part) => {
        const ms = slot[part] / b.P;
        return { part, ms, msPerToken: ms / b.generatedTokens, share: ms / b.wallMs };
    });
}

/** One line per part: ms per generated token and % of the wall time, then the total. */
export function formatBreakdown(rows: BreakdownRow[], generatedTokens: number): string[] {
    const total = rows.reduce((a, r) => a + r.ms, 0);
    const line = (name: string, msPerToken: number, share: number) => `  ${name.padEnd(13)}${msPerToken.toFixed(2).padStart(8)} ms/tok ${(100 * share).toFixed(1).padStart(6)} %`;
    return [...rows.map((r) => line(r.part, r.msPerToken, r.share)), line("wall", total / generatedTokens, rows.reduce((a, r) => a + r.share, 0))];
}

/** "P=1 0.93 met · P=8 0.71 MISSED" for a ratio and its target (>=). */
export function ratioLine(ratios: { P: number; ratio: number | null }[], target: number): string {
    return ratios.map(({ P, ratio }) => `P=${P} ${ratio === null ? "n/a" : `${ratio.toFixed(2)} ${ratio >= target ? "met" : "MISSED"}`}`).join(" · ");
}
