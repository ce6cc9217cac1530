import type { ItemRecord, StepRecord } from "../engine/types.js";
import type { InstructionPool } from "../prompts/pool.js";
import type { TaskFamily } from "../tasks/types.js";
import { verdictParts } from "../verify/line.js";
import { alignReflection } from "./align.js";
import type { Captions, CaptionVars } from "./captions.js";
import { namedError } from "./namedError.js";
import type { Outcome, Stage, StageVerdict, SummaryCard, Walkthrough, WalkthroughSource } from "./types.js";
import { diffWords, wordDiff } from "./wordDiff.js";

/** What a walkthrough is built with: the captions and the instruction pool (for each key's three stage texts). */
export interface TeachKit {
    captions: Captions;
    pool: InstructionPool;
}

const FAMILY_WORD: Record<TaskFamily, string> = { mc: "a multiple-choice question", math: "a math problem", code: "a programming task", text: "a short-answer question" };
const VERIFIER_WHO = { oracle: "the ground truth", self: "the model itself", teacher: "a teacher model" } as const;

/** Ground-truth outcome of a record, from `correct_by_turn`: the verdict that steered the loop may have come from the model itself. */
export function outcomeOf(record: Pick<ItemRecord, "correct_by_turn">): Outcome {
    const c = record.correct_by_turn;
    if (c.length === 0) return "not-corrected";
    const first = c[0]!;
    const last = c[c.length - 1]!;
    if (first) return last ? "right-first" : "flipped";
    return last ? "corrected" : "not-corrected";
}

/** What an instruction's three stage texts ask, in a few words each, for the captions. */
export function instructionWords(stages: [string, string, string]): Pick<CaptionVars, "verify_way" | "focus" | "level"> {
    const verify = /\bby ([^:.;,]+)/i.exec(stages[0])?.[1]?.trim();
    const focus = /focus on ([^:.;]+)/i.exec(stages[1])?.[1]?.trim();
    const level = /\b(high|low)[ -]level\b/i.exec(stages[2])?.[1]?.toLowerCase();
    return { verify_way: verify ?? "check it", focus: focus ?? "one kind of error", level: level ? `${level}-level` : "concrete" };
}

function stageVerdict(step: StepRecord): StageVerdict {
    const v = step.verdict!;
    // The reason as every screen shows it: what was read, by which rule, against which gold.
    const out: StageVerdict = { correct: v.correct, extracted: v.extracted, reason: verdictParts(v).body, mode: v.mode };
    if (step.oracle_verdict && v.mode !== "oracle") out.oracleCorrect = step.oracle_verdict.correct;
    return out;
}

function verdictText(v: StageVerdict): string {
    const said = v.correct ? "correct" : "incorrect";
    const truth = v.oracleCorrect === undefined ? "" : ` · ground truth: ${v.oracleCorrect ? "correct" : "incorrect"}`;
    return `${said.toUpperCase()}${v.mode === "oracle" ? "" : ` (${v.mode} verifier)`}${truth}\n${v.reason}`;
}

/**
 * One item's loop as presenter stages: answer → verdict → (instruction → reflection → correction →
 * final)* → summary. Re-rolled (superseded) reflections are left out: they left the conversation.
 */
export function buildWalkthrough(record: ItemRecord, source: WalkthroughSource, kit: TeachKit): Walkthrough {
    const steps = record.steps.filter((s) => !s.superseded);
    const item = record.item;
    const base: CaptionVars = { pool_size: kit.pool.instructions.length, family_word: FAMILY_WORD[item.family], task: item.task, verifier_who: VERIFIER_WHO[record.config.verifier] };
    const stages: Stage[] = [];
    const firstAnswer = steps.find((s) => s.kind === "answer")?.output ?? "";
    let firstReflection: string | null = null;
    let firstInstruction = "";
    let firstRemoved: string[] | null = null;
    let pendingInstruction: Stage["instruction"];

    for (const s of steps) {
        const turn = s.turn;
        if (s.kind === "answer") {
            stages.push({ kind: "answer", turn, title: `Turn ${turn} · the first answer`, text: s.output ?? "", caption: kit.captions.render("answer", { ...base, turn }), streamed: true });
        } else if (s.kind === "verify" && s.verdict) {
            const v = stageVerdict(s);
            const isFinal = turn > 1;
            const key = isFinal ? (v.correct ? "final" : "final-wrong") : v.correct ? "verdict-correct" : "verdict";
            stages.push({ kind: isFinal ? "final" : "verdict", turn, title: `Turn ${turn} · the verdict`, text: verdictText(v), caption: kit.captions.render(key, { ...base, turn }), streamed: false, verdict: v });
        } else if (s.kind === "reflect") {
            const key = s.instruction_key ?? "";
            const ins = safeInstruction(kit.pool, key);
            pendingInstruction = ins ? { key, stages: ins } : undefined;
            if (ins) {
                const words = instructionWords(ins);
                stages.push({ kind: "instruction", turn, title: `Turn ${turn} · the instruction ${key}`, text: ins.map((t, i) => `${i + 1}. ${t}`).join("\n"), caption: kit.captions.render("instruction", { ...base, ...words, turn, key }), streamed: false, instruction: pendingInstruction });
            }
            const text = s.output ?? "";
            if (firstReflection === null) {
                firstReflection = text;
                firstInstruction = ins ? ins.join("\n") : "";
            }
            stages.push({
                kind: "reflection",
                turn,
                title: `Turn ${turn} · the self-reflection`,
                text,
                caption: kit.captions.render("reflection", { ...base, turn, key }),
                streamed: true,
                instruction: pendingInstruction,
                alignment: ins ? alignReflection(text, ins) : [{ stage: null, label: "", text }]
            });
        } else if (s.kind === "correct") {
            const text = s.output ?? "";
            const diff = wordDiff(firstAnswer, text);
            firstRemoved ??= diffWords(diff).removed;
            stages.push({ kind: "correction", turn, title: `Turn ${turn} · the corrected answer`, text, caption: kit.captions.render("correction", { ...base, turn }), streamed: true, diff });
        }
    }

    const outcome = outcomeOf(record);
    const summary = summaryCard(record, steps, { firstAnswer, firstReflection, firstInstruction, removed: firstRemoved ?? [], outcome });
    stages.push({ kind: "summary", turn: record.correct_by_turn.length, title: "Summary", text: summary.lines.join("\n"), caption: kit.captions.render("summary", base), streamed: false, summary });
    return { source, item, model: record.model.file, verifier: record.config.verifier, outcome, stages, record };
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;

function safeInstruction(pool: InstructionPool, key: string): [string, string, string] | null {
    try {
        return pool.get(key).stages;
    } catch {
        return null;
    }
}

const OUTCOME_LINE: Record<Outcome, string> = {
    corrected: "Wrong at first, right after reflecting: the reflection fixed the answer.",
    "not-corrected": "Wrong at first and still wrong after reflecting.",
    flipped: "Right at first, but the verifier said incorrect, and the model changed it to a wrong answer.",
    "right-first": "Right at the first attempt: nothing to reflect on."
};

function summaryCard(record: ItemRecord, steps: StepRecord[], f: { firstAnswer: string; firstReflection: string | null; firstInstruction: string; removed: string[]; outcome: Outcome }): SummaryCard {
    const verifies = steps.filter((s) => s.kind === "verify" && s.verdict);
    const extractedByTurn = verifies.map((s) => s.oracle_verdict?.extracted ?? s.verdict!.extracted);
    const lastAnswer = [...steps].reverse().find((s) => s.kind === "answer" || s.kind === "correct")?.output ?? "";
    const counts = diffWords(wordDiff(f.firstAnswer, lastAnswer));
    const wasWrong = record.correct_by_turn.length > 0 && !record.correct_by_turn[0];
    const named = namedError({ reflection: f.firstReflection, firstAnswer: f.firstAnswer, extracted: extractedByTurn[0] ?? null, gold: record.item.answer, choices: record.item.choices, removedWords: f.removed, wasWrong, question: `${record.item.question}\n${f.firstInstruction}` });
    const show = (x: string | null | undefined) => (x === null || x === undefined ? "(none read)" : x.length > 40 ? `${x.slice(0, 39)}…` : x);
    const lines = [OUTCOME_LINE[f.outcome]];
    lines.push(`Answers by turn: ${record.correct_by_turn.map((c, i) => `t${i + 1} ${show(extractedByTurn[i])} (${c ? "right" : "wrong"})`).join(" → ")} · expected ${show(record.item.answer)}`);
    if (record.correct_by_turn.length > 1) lines.push(`From the first to the last answer: ${plural(counts.removed.length, "word")} removed, ${counts.added.length} added.`);
    if (named.verdict !== "n/a") lines.push(`Named the real error: ${named.verdict} (text check): ${named.why}`);
    else if (wasWrong) lines.push("No reflection was written (retry mode: the model only heard \"incorrect\").");
    return { outcome: f.outcome, correctByTurn: [...record.correct_by_turn], extractedByTurn, wordsRemoved: counts.removed.length, wordsAdded: counts.added.length, named, lines };
}
