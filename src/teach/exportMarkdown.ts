import type { AlignedPart, DiffPart, Stage, StageVerdict, Walkthrough } from "./types.js";

/** Options shared by both handout formats. */
export interface HandoutOptions {
    /** The date printed in the handout (tests pass a fixed one). */
    generatedAt?: Date;
}

/** The names of the instruction's three stages, as the handout labels them. */
export const INSTRUCTION_STAGE_NAMES = ["Verify", "Diagnose", "Plan"] as const;

export const DIFF_LEGEND_MD = "Legend: ~~struck through~~ = words of the first answer the correction removed; **bold** = words it added; plain = kept.";

const VERIFIER_WHO = { oracle: "the ground truth", self: "the model itself", teacher: "a teacher model" } as const;

/** Walkthrough(s) as a list: both exporters accept one or many. */
export const asList = (w: Walkthrough | Walkthrough[]): Walkthrough[] => (Array.isArray(w) ? w : [w]);

/** The question's first line, shortened for headings and the contents list. */
export function itemTitle(w: Walkthrough): string {
    const l = w.item.question.trim().split("\n")[0]?.trim() ?? "";
    return l.length > 100 ? `${l.slice(0, 99)}…` : l || w.item.id;
}

/** Choice letters A, B, … as the multiple-choice prompt shows them. */
export const choiceLetter = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : String(i + 1));

/** The expected answer, with its option text when it is a choice letter ("A (Yes)"). */
export function expectedAnswer(w: Walkthrough): string {
    const { answer, choices } = w.item;
    const i = choices ? choices.findIndex((_, k) => choiceLetter(k) === answer.trim().toUpperCase()) : -1;
    return i >= 0 && choices ? `${answer} (${choices[i]})` : answer;
}

/** Where the walkthrough came from, in one line: source kind and path, sample, and the set's provenance. */
export function sourceLine(w: Walkthrough): string {
    const s = w.source;
    const parts = [`${s.kind} ${s.path}`, `item ${s.itemId}`];
    if (s.sample) parts.push(`sample ${s.sample.instructionKey ?? "retry"}#${s.sample.sampleIndex}`);
    if (s.provenance) parts.push(`recorded at: ${s.provenance}`);
    return parts.join(" · ");
}

/** The header facts of one walkthrough as label/value pairs, shared by both formats. */
export function metaRows(w: Walkthrough): [string, string][] {
    return [
        ["Task", `${w.item.task} (${w.item.family}) · item ${w.item.id}`],
        ["Model", w.model],
        ["Verifier", `${w.verifier} (${VERIFIER_WHO[w.verifier] ?? w.verifier})`],
        ["Outcome", w.outcome],
        ["Source", sourceLine(w)]
    ];
}

/** The verdict facts, shared by both formats: CORRECT/INCORRECT, what was read, the reason, ground truth. */
export function verdictFacts(v: StageVerdict): { said: "CORRECT" | "INCORRECT"; read: string; reason: string; truth: string | null } {
    return {
        said: v.correct ? "CORRECT" : "INCORRECT",
        read: v.extracted === null ? "no final answer could be read" : v.extracted,
        reason: v.reason,
        truth: v.oracleCorrect === undefined ? null : v.oracleCorrect ? "correct" : "incorrect"
    };
}

/** What an aligned part answers: "1 Verify", or "not aligned". */
export const alignedName = (p: AlignedPart): string => (p.stage === null ? "not aligned" : `${p.stage + 1} ${INSTRUCTION_STAGE_NAMES[p.stage]}`);

// ---------------------------------------------------------------- Markdown

/**
 * Inline text made inert: CommonMark backslash-escapes every ASCII punctuation mark that could start
 * markup, raw HTML or an entity, so a model's `<script>` or `**` reads literally in any renderer.
 */
export function mdInline(s: string): string {
    return s.replace(/\s+/g, " ").trim().replace(/[\\`*_{}[\]<>#|~&!]/g, "\\$&");
}

/** One line of a paragraph: inline-escaped, and a leading list/heading/quote marker escaped too. */
function mdLine(s: string): string {
    return mdInline(s).replace(/^([-+=>])/, "\\$1").replace(/^(\d+)([.)])/, "$1\\$2");
}

/**
 * A fenced block that model text cannot break out of: the fence is longer than any backtick run in
 * the text (CommonMark closes a fence only with at least as many backticks as opened it).
 */
export function mdFence(text: string, info = "text"): string {
    const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = "`".repeat(Math.max(3, longest + 1));
    const body = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "");
    return `${fence}${info}\n${body}\n${fence}`;
}

const PUNCT = /[\p{P}\p{S}]/u;

const quote = (s: string) => s.split("\n").map((l) => `> ${mdInline(l)}`).join("\n");

/**
 * The word diff as Markdown: each line's removed/added runs wrapped per line (emphasis cannot span
 * a line break), spaces kept outside the markers (`** x**` is not bold), lines ended by a hard break.
 */
export function mdDiff(parts: DiffPart[]): string {
    const lines: { op: DiffPart["op"]; text: string }[][] = [[]];
    for (const p of parts) {
        p.text.replace(/\r\n?/g, "\n").split("\n").forEach((text, i) => {
            if (i > 0) lines.push([]);
            if (text) lines[lines.length - 1]!.push({ op: p.op, text });
        });
    }
    const rendered = lines.map((segs) => {
        let l = "";
        let gapAfter = false;
        for (const { op, text } of segs) {
            const m = /^(\s*)(.*?)(\s*)$/s.exec(text)!;
            if (!m[2]) {
                l += " ";
                gapAfter = false;
                continue;
            }
            // A kept word at the start of a line could read as a list or heading marker.
            const body = op === "same" && l.trim() === "" ? mdLine(m[2]) : mdInline(m[2]);
            const marker = op === "add" ? "**" : op === "del" ? "~~" : "";
            const glued = !m[1] && l !== "" && !l.endsWith(" ");
            // CommonMark ignores a marker squeezed between a letter and punctuation ("Yes**, two**"):
            // an invisible hair space (Unicode whitespace) between them lets it open or close.
            const gap = glued && (gapAfter || (marker !== "" && PUNCT.test(body[0]!))) ? "\u200A" : "";
            l += `${m[1] ? " " : gap}${marker}${body}${marker}${m[3] ? " " : ""}`;
            gapAfter = marker !== "" && !m[3] && PUNCT.test(body[body.length - 1]!);
        }
        return l.replace(/ +/g, " ").trim();
    });
    const out: string[] = [];
    for (const l of rendered) if (l !== "" || (out.length && out[out.length - 1] !== "")) out.push(l);
    while (out[out.length - 1] === "") out.pop();
    // Hard line breaks (trailing backslash) inside a paragraph, none before a blank line or at the end.
    return out.map((l, i) => (l !== "" && out[i + 1] ? `${l}\\` : l)).join("\n");
}

function mdStageBody(s: Stage): string[] {
    const out: string[] = [];
    if (s.kind === "answer" || s.kind === "reflection") out.push(mdFence(s.text));
    if (s.kind === "instruction") {
        const stages = s.instruction?.stages;
        if (stages) out.push(`Instruction \`${s.instruction!.key.replace(/`/g, "'")}\`:`, stages.map((t, i) => `${i + 1}. **${INSTRUCTION_STAGE_NAMES[i]}:** ${mdInline(t)}`).join("\n"));
        else out.push(mdFence(s.text));
    }
    if (s.kind === "reflection" && s.alignment?.length) {
        out.push("How the reflection lines up with the instruction's stages (stage → part):");
        out.push(s.alignment.map((p) => `- **${alignedName(p)}** →${p.label ? ` (wrote “${mdInline(p.label)}”)` : ""} ${mdInline(p.text)}`).join("\n"));
    }
    if (s.kind === "correction") {
        if (s.diff?.length) out.push("Against the first answer, word by word:", mdDiff(s.diff), `*${DIFF_LEGEND_MD}*`);
        out.push("The corrected answer as written:", mdFence(s.text));
    }
    if ((s.kind === "verdict" || s.kind === "final") && s.verdict) {
        const f = verdictFacts(s.verdict);
        const lines = [`**${f.said}** · answer read: ${mdInline(f.read)}`, `Reason: ${mdInline(f.reason)}`];
        if (f.truth) lines.push(`Ground truth: ${f.truth} (the verdict above came from ${VERIFIER_WHO[s.verdict.mode] ?? s.verdict.mode})`);
        out.push(lines.join("\\\n"));
    } else if (s.kind === "verdict" || s.kind === "final") out.push(mdFence(s.text));
    if (s.kind === "summary") {
        const lines = s.summary?.lines ?? s.text.split("\n");
        out.push(lines.map((l) => `- ${mdInline(l)}`).join("\n"));
    }
    return out;
}

function mdWalkthrough(w: Walkthrough, depth: number): string[] {
    const h = "#".repeat(depth);
    const out: string[] = [];
    out.push(metaRows(w).map(([k, v]) => `- **${k}:** ${mdInline(v)}`).join("\n"));
    out.push(`${h} The question`, mdFence(w.item.question));
    if (w.item.choices?.length) out.push(w.item.choices.map((c, i) => `- **${choiceLetter(i)}.** ${mdInline(c)}`).join("\n"));
    out.push(`**Expected answer:** ${mdInline(expectedAnswer(w))}`);
    for (const s of w.stages) {
        out.push(`${h} ${mdInline(s.title)}`);
        if (s.caption) out.push(quote(s.caption));
        out.push(...mdStageBody(s));
    }
    return out;
}

const stamp = (opts?: HandoutOptions) => (opts?.generatedAt ?? new Date()).toISOString();

/**
 * A self-contained Markdown handout: title, question, expected answer, provenance, then every stage
 * with its caption and body. Several walkthroughs make one document with a contents list.
 */
export function walkthroughMarkdown(w: Walkthrough | Walkthrough[], opts?: HandoutOptions): string {
    const list = asList(w);
    const generated = `*Self-reflection handout exported by reflect-lab on ${stamp(opts)}. A small model answered, heard only "correct" or "incorrect", reflected in three stages and answered again.*`;
    const out: string[] = [];
    if (list.length === 1) {
        out.push(`# Self-reflection walkthrough: ${mdInline(itemTitle(list[0]!))}`, generated, ...mdWalkthrough(list[0]!, 2));
    } else {
        out.push(`# Self-reflection walkthroughs (${list.length})`, generated, "## Contents");
        // "Item k" headings get the same anchor (item-k) in GitHub, GitLab and pandoc, whatever the question says.
        out.push(list.map((x, i) => `${i + 1}. [Item ${i + 1}](#item-${i + 1}): ${mdInline(itemTitle(x))} (${x.outcome})`).join("\n"));
        list.forEach((x, i) => out.push(`## Item ${i + 1}`, `**${mdInline(itemTitle(x))}**`, ...mdWalkthrough(x, 3)));
    }
    return out.join("\n\n") + "\n";
}
