import { alignedName, asList, choiceLetter, expectedAnswer, INSTRUCTION_STAGE_NAMES, itemTitle, metaRows, verdictFacts, type HandoutOptions } from "./exportMarkdown.js";
import type { DiffPart, Stage, Walkthrough } from "./types.js";

/** Text made inert for element content and quoted attribute values alike. */
export function escapeHtml(s: string): string {
    return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const esc = escapeHtml;

/**
 * Inline style only: a handout opens offline, from a mail attachment or a USB stick, and prints the
 * same everywhere. Diff colours are forced in print (browsers drop backgrounds by default).
 */
const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; background: #fff; max-width: 52rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #ccc; padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin: 0 0 .3rem; }
.generated { color: #555; font-size: .9rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .75rem 0; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
pre { font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f4; border: 1px solid #ddd; border-radius: 4px; padding: .6rem .8rem; margin: .4rem 0; }
section.stage { border-left: 4px solid #9aa7b8; padding: .4rem 0 .4rem .9rem; margin: 1.1rem 0; }
section.stage[data-stage="verdict"], section.stage[data-stage="final"] { border-left-color: #b08a2e; }
section.stage[data-stage="reflection"] { border-left-color: #6b55a8; }
section.stage[data-stage="summary"] { border-left-color: #333; }
p.caption { font-style: italic; color: #444; margin: 0 0 .5rem; }
ol.instruction { margin: .3rem 0; }
table.aligned { border-collapse: collapse; width: 100%; margin: .4rem 0; font-size: .93rem; }
table.aligned th, table.aligned td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
table.aligned td.part { white-space: pre-wrap; overflow-wrap: anywhere; }
table.aligned td:first-child { width: 9.5rem; }
.verdict { font-weight: 700; padding: 0 .35rem; border-radius: 3px; }
.verdict.correct { background: #d7f0d9; color: #125a1c; }
.verdict.incorrect { background: #f7d9d6; color: #8a1c12; }
del { background: #fbd3cf; color: #8a1c12; text-decoration: line-through; }
ins { background: #cdeed2; color: #125a1c; text-decoration: none; font-weight: 600; }
.legend { font-size: .88rem; color: #444; }
nav.contents ol { padding-left: 1.4rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  article + article { break-before: page; }
  section.stage, pre, table.aligned { break-inside: avoid; }
  del, ins, .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
`;

/** The word diff as <del>/<ins> runs inside a <pre>, so the corrected answer's line breaks stay. */
export function htmlDiff(parts: DiffPart[]): string {
    return parts.map((p) => (p.op === "add" ? `<ins>${esc(p.text)}</ins>` : p.op === "del" ? `<del>${esc(p.text)}</del>` : esc(p.text))).join("");
}

const pre = (text: string, cls = "model") => `<pre class="${cls}">${esc(text.replace(/\r\n?/g, "\n"))}</pre>`;

function stageBody(s: Stage): string[] {
    const out: string[] = [];
    if (s.kind === "answer" || s.kind === "reflection") out.push(pre(s.text));
    if (s.kind === "instruction") {
        const ins = s.instruction;
        if (ins) out.push(`<p>Instruction <code>${esc(ins.key)}</code>:</p>`, `<ol class="instruction">${ins.stages.map((t, i) => `<li><strong>${INSTRUCTION_STAGE_NAMES[i]}:</strong> ${esc(t)}</li>`).join("")}</ol>`);
        else out.push(pre(s.text, "instruction"));
    }
    if (s.kind === "reflection" && s.alignment?.length) {
        const rows = s.alignment.map((p) => `<tr><td>${esc(alignedName(p))}${p.label ? ` <span class="label">(wrote “${esc(p.label)}”)</span>` : ""}</td><td class="part">${esc(p.text)}</td></tr>`);
        out.push(`<table class="aligned"><caption class="legend">How the reflection lines up with the instruction's stages</caption><thead><tr><th scope="col">Stage</th><th scope="col">Part of the reflection</th></tr></thead><tbody>${rows.join("")}</tbody></table>`);
    }
    if (s.kind === "correction") {
        if (s.diff?.length)
            out.push(
                `<p class="legend">Against the first answer, word by word: <del>struck through in red</del> = removed from the first answer, <ins>green</ins> = added by the correction, plain = kept.</p>`,
                `<pre class="diff">${htmlDiff(s.diff)}</pre>`
            );
        out.push(`<p class="legend">The corrected answer as written:</p>`, pre(s.text));
    }
    if ((s.kind === "verdict" || s.kind === "final") && s.verdict) {
        const f = verdictFacts(s.verdict);
        out.push(`<p><strong class="verdict ${f.said.toLowerCase()}">${f.said}</strong> · answer read: ${s.verdict.extracted === null ? esc(f.read) : `<code>${esc(f.read)}</code>`}</p>`, `<p class="reason">Reason: ${esc(f.reason)}</p>`);
        if (f.truth) out.push(`<p class="truth">Ground truth: ${f.truth} (the verdict above came from the ${esc(s.verdict.mode)} verifier)</p>`);
    } else if (s.kind === "verdict" || s.kind === "final") out.push(pre(s.text, "verdict"));
    if (s.kind === "summary") out.push(`<ul class="summary">${(s.summary?.lines ?? s.text.split("\n")).map((l) => `<li>${esc(l)}</li>`).join("")}</ul>`);
    return out;
}

function stageHtml(s: Stage): string {
    return [
        `<section class="stage" data-stage="${esc(s.kind)}" data-turn="${esc(String(s.turn))}">`,
        `<h3>${esc(s.title)}</h3>`,
        `<p class="caption">${esc(s.caption)}</p>`,
        ...stageBody(s),
        `</section>`
    ].join("\n");
}

function articleHtml(w: Walkthrough, index: number): string {
    const meta = metaRows(w).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("");
    const choices = w.item.choices?.length ? `<ul class="choices">${w.item.choices.map((c, i) => `<li><strong>${choiceLetter(i)}.</strong> ${esc(c)}</li>`).join("")}</ul>` : "";
    return [
        `<article class="walkthrough" id="item-${index + 1}" data-item="${esc(w.item.id)}" data-outcome="${esc(w.outcome)}">`,
        `<h2>${esc(itemTitle(w))}</h2>`,
        `<dl class="meta">${meta}</dl>`,
        `<section class="question"><h3>The question</h3>${pre(w.item.question, "question")}${choices}<p><strong>Expected answer:</strong> ${esc(expectedAnswer(w))}</p></section>`,
        ...w.stages.map(stageHtml),
        `</article>`
    ].join("\n");
}

/**
 * The handout as one HTML5 document with no external assets and no scripts: every model text is
 * escaped, each stage a <section class="stage" data-stage data-turn> with its title and caption.
 */
export function walkthroughHtml(w: Walkthrough | Walkthrough[], opts?: HandoutOptions): string {
    const list = asList(w);
    const title = list.length === 1 ? `Self-reflection walkthrough: ${itemTitle(list[0]!)}` : `Self-reflection walkthroughs (${list.length})`;
    const when = (opts?.generatedAt ?? new Date()).toISOString();
    // In-page anchors only (href="#item-k"): the handout links nowhere outside itself.
    const contents =
        list.length > 1 ? `<nav class="contents"><h2>Contents</h2><ol>${list.map((x, i) => `<li><a href="#item-${i + 1}">${esc(itemTitle(x))}</a> (${esc(x.outcome)})</li>`).join("")}</ol></nav>` : "";
    return [
        "<!DOCTYPE html>",
        `<html lang="en">`,
        "<head>",
        `<meta charset="utf-8">`,
        `<meta name="viewport" content="width=device-width, initial-scale=1">`,
        `<meta name="generator" content="reflect-lab">`,
        `<title>${esc(title)}</title>`,
        `<style>${STYLE}</style>`,
        "</head>",
        "<body>",
        `<header><h1>${list.length === 1 ? "Self-reflection walkthrough" : esc(title)}</h1>`,
        `<p class="generated">Exported by reflect-lab on <time datetime="${esc(when)}">${esc(when)}</time>. A small model answered, heard only “correct” or “incorrect”, reflected in three stages and answered again.</p></header>`,
        "<main>",
        contents,
        ...list.map(articleHtml),
        "</main>",
        "</body>",
        "</html>",
        ""
    ]
        .filter((l, i, all) => l !== "" || i === all.length - 1)
        .join("\n");
}
