// Teaching handouts: Markdown and HTML of real walkthroughs, hostile model text made inert, atomic export, and the HTML as a real browser reads it.
import { afterAll, describe, expect, it, vi } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ItemRecord } from "../src/engine/types.js";
import { exportWalkthrough, handoutFormat } from "../src/teach/export.js";
import { escapeHtml, walkthroughHtml } from "../src/teach/exportHtml.js";
import { mdDiff, mdFence, mdInline, walkthroughMarkdown } from "../src/teach/exportMarkdown.js";
import { loadTeachKit } from "../src/teach/kit.js";
import { openTeachSource } from "../src/teach/sources.js";
import type { Walkthrough } from "../src/teach/types.js";
import { buildWalkthrough } from "../src/teach/walkthrough.js";
import { domText, dumpDom } from "./helpers/chromium.js";

// A switch to make the export's writes fail half-way, as a full disk or a kill would.
const failWrites = vi.hoisted(() => ({ on: false, calls: 0 }));
vi.mock("node:fs", async (importOriginal) => {
    const fs = await importOriginal<typeof import("node:fs")>();
    const writeSync = ((fd: number, buf: Buffer, off?: number, len?: number) => {
        if (!failWrites.on) return fs.writeSync(fd, buf, off, len);
        if (failWrites.calls++ > 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        return fs.writeSync(fd, buf, off, Math.max(1, Math.floor((len ?? buf.length) / 2)));
    }) as typeof fs.writeSync;
    return { ...fs, writeSync, default: { ...fs, writeSync } };
});

const kit = loadTeachKit();
const walkthroughs = openTeachSource("test/fixtures/teach/set.jsonl", kit).entries.map((e) => e.open());
const when = new Date("2026-12-01T12:00:00Z");
const dir = mkdtempSync(join(tmpdir(), "rl-teach-export-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOSTILE = {
    answer: "</pre><script>alert(1)</script> & \"double\" 'single' <img src=x onerror=alert(2)>\n```\nnot a fence end ``` ~~~\nFinal answer: B",
    reflection: "1. Verify: </td></tr></table><script>alert(3)</script>\n2. Diagnose: <img src=x onerror=alert(4)> & &amp; **bold** [link](http://evil.example)\n3. Plan: ```` four backticks ````",
    correction: "</pre></section><script>alert(5)</script> <b>bold</b> & \"Final answer: A\"",
    reason: "<script>alert(6)</script> reason & more"
};

/** The first reflecting walkthrough with every model output (and a verdict reason) replaced by hostile text. */
function hostileWalkthrough(): Walkthrough {
    const w = walkthroughs.find((x) => x.stages.some((s) => s.kind === "reflection"))!;
    const record = structuredClone(w.record) as ItemRecord;
    for (const s of record.steps) {
        if (s.kind === "answer") s.output = HOSTILE.answer;
        if (s.kind === "reflect") s.output = HOSTILE.reflection;
        if (s.kind === "correct") s.output = HOSTILE.correction;
        if (s.kind === "verify" && s.verdict) s.verdict.reason = HOSTILE.reason;
    }
    return buildWalkthrough(record, w.source, kit);
}

const totalStages = (ws: Walkthrough[]) => ws.reduce((n, w) => n + w.stages.length, 0);

/** Markdown outside fenced code blocks (CommonMark: a fence closes only with at least as many backticks), and the fenced bodies. */
function splitFences(md: string): { outside: string; blocks: string[] } {
    const outside: string[] = [];
    const blocks: string[] = [];
    let open: string | null = null;
    let body: string[] = [];
    for (const line of md.split("\n")) {
        const m = /^(`{3,})/.exec(line);
        if (open === null && m) {
            open = m[1]!;
            body = [];
        } else if (open !== null && new RegExp(`^\`{${open.length},}\\s*$`).test(line)) {
            blocks.push(body.join("\n"));
            open = null;
        } else (open === null ? outside : body).push(line);
    }
    expect(open, "every fence is closed").toBeNull();
    return { outside: outside.join("\n"), blocks };
}

describe("Markdown handout", () => {
    const md = walkthroughMarkdown(walkthroughs, { generatedAt: when });

    it("has a section per stage, each with its caption, and a contents list", () => {
        expect(walkthroughs).toHaveLength(3);
        const stageHeadings = md.match(/^### (?!The question$).*$/gm) ?? [];
        expect(stageHeadings).toHaveLength(totalStages(walkthroughs));
        expect(stageHeadings).toEqual(walkthroughs.flatMap((w) => w.stages.map((s) => `### ${mdInline(s.title)}`)));
        for (const s of walkthroughs.flatMap((w) => w.stages)) expect(md).toContain(`> ${mdInline(s.caption)}`);
        for (const i of [1, 2, 3]) expect(md).toContain(`${i}. [Item ${i}](#item-${i})`);
        expect(md).toMatch(/^## Item 3$/m);
        expect(md).toContain("2026-12-01T12:00:00.000Z");
    });

    it("shows the question, choices, expected answer, model and provenance", () => {
        const w = walkthroughs[0]!;
        expect(md).toContain(mdFence(w.item.question));
        expect(md).toContain("- **A.** Yes\n- **B.** No");
        expect(md).toContain("**Expected answer:** A (Yes)");
        expect(md).toContain(mdInline(w.model));
        expect(md).toContain(mdInline(w.source.provenance!));
    });

    it("lists the instruction's three stages, the aligned parts, verdicts, diff with legend and summary", () => {
        for (const s of walkthroughs.flatMap((w) => w.stages)) {
            if (s.kind === "instruction") s.instruction!.stages.forEach((t, i) => expect(md).toContain(`${i + 1}. **${["Verify", "Diagnose", "Plan"][i]}:** ${mdInline(t)}`));
            if (s.kind === "reflection") for (const p of s.alignment!) expect(md).toContain(mdInline(p.text));
            if (s.kind === "answer" || s.kind === "reflection" || s.kind === "correction") expect(md).toContain(mdFence(s.text));
            if (s.kind === "summary") for (const l of s.summary!.lines) expect(md).toContain(`- ${mdInline(l)}`);
        }
        expect(md).toContain("- **1 Verify** → (wrote “1.”)");
        expect(md).toContain("~~A: No~~");
        expect(md).toContain("Q: Yes\u200A**, two queens can be joined");
        expect(md).toContain("Legend: ~~struck through~~");
        expect(md).toContain("**INCORRECT** · answer read: no final answer could be read");
        expect(md).toContain("**CORRECT** · answer read: B");
        expect(md).toContain("Reason: read \"B\" (letter)");
    });

    it("one walkthrough is a document of its own, without a contents list", () => {
        const one = walkthroughMarkdown(walkthroughs[2]!, { generatedAt: when });
        expect(one).toMatch(/^# Self-reflection walkthrough: Q: Could a goldfish/);
        expect(one).not.toContain("Contents");
        expect(one.match(/^## (?!The question$).*$/gm)).toHaveLength(walkthroughs[2]!.stages.length);
    });

    it("keeps hostile model text inside fences and escapes it everywhere else", () => {
        const h = hostileWalkthrough();
        const { outside, blocks } = splitFences(walkthroughMarkdown(h, { generatedAt: when }));
        expect(blocks).toContain(HOSTILE.answer);
        expect(blocks).toContain(HOSTILE.reflection);
        expect(blocks).toContain(HOSTILE.correction);
        // Outside the fences no raw HTML, entity or link can start: every < & [ is backslash-escaped.
        expect(outside).not.toMatch(/(^|[^\\])[<&[]/m);
        expect(outside).toContain("\\<script\\>alert(6)\\</script\\>");
        expect(outside).toContain("\\*\\*bold\\*\\*");
    });

    it("word diff: markers per line, spaces outside them, kept line starts escaped", () => {
        expect(mdDiff([{ op: "same", text: "The answer is " }, { op: "del", text: "B" }, { op: "add", text: "A" }, { op: "same", text: ".\nDone" }])).toBe("The answer is ~~B~~**A**.\\\nDone");
        // A marker between a letter and punctuation would not open or close: an invisible hair space lets it.
        expect(mdDiff([{ op: "same", text: "x" }, { op: "add", text: "(4)." }, { op: "same", text: "y" }])).toBe("x\u200A**(4).**\u200Ay");
        expect(mdDiff([{ op: "add", text: "one\ntwo" }, { op: "same", text: "\n\n- kept" }])).toBe("**one**\\\n**two**\n\n\\- kept");
        expect(mdDiff([{ op: "same", text: "1. x " }, { op: "del", text: "<b>" }])).toBe("1\\. x ~~\\<b\\>~~");
        expect(mdFence("a ```` b")).toBe("`````text\na ```` b\n`````");
    });
});

describe("HTML handout", () => {
    const html = walkthroughHtml(walkthroughs, { generatedAt: when });

    it("has a stage section per stage, in order, each with its title and caption", () => {
        const sections = [...html.matchAll(/<section class="stage" data-stage="([a-z]+)" data-turn="(\d+)">/g)];
        expect(sections).toHaveLength(totalStages(walkthroughs));
        expect(sections.map((m) => `${m[1]}${m[2]}`)).toEqual(walkthroughs.flatMap((w) => w.stages.map((s) => `${s.kind}${s.turn}`)));
        for (const s of walkthroughs.flatMap((w) => w.stages)) expect(html).toContain(`<h3>${escapeHtml(s.title)}</h3>\n<p class="caption">${escapeHtml(s.caption)}</p>`);
    });

    it("is a self-contained HTML5 document: lang, charset, title, inline style, no external references", () => {
        expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
        expect(html).toContain('<meta charset="utf-8">');
        expect(html).toContain("<title>Self-reflection walkthroughs (3)</title>");
        expect(html).toContain("<style>");
        for (const bad of ["src=", 'href="http', "href='http", "@import", "url(", "<script", "<link"]) expect(html).not.toContain(bad);
        for (const i of [1, 2, 3]) expect(html).toContain(`<a href="#item-${i}">`);
    });

    it("shows instruction stages, aligned parts, verdicts, the diff and the summary", () => {
        for (const s of walkthroughs.flatMap((w) => w.stages)) {
            if (s.kind === "instruction") s.instruction!.stages.forEach((t, i) => expect(html).toContain(`<li><strong>${["Verify", "Diagnose", "Plan"][i]}:</strong> ${escapeHtml(t)}</li>`));
            if (s.kind === "reflection") for (const p of s.alignment!) expect(html).toContain(`<td class="part">${escapeHtml(p.text)}</td>`);
            if (s.kind === "summary") for (const l of s.summary!.lines) expect(html).toContain(`<li>${escapeHtml(l)}</li>`);
        }
        expect(html).toContain("<del>\nA: No</del>");
        expect(html).toMatch(/<ins>, two queens can be joined[^<]*<\/ins>/);
        expect(html).toContain('<strong class="verdict incorrect">INCORRECT</strong>');
        expect(html).toContain('<strong class="verdict correct">CORRECT</strong>');
        expect(html).toMatch(/del \{[^}]*background/);
    });

    it("escapes hostile model text: no tag, attribute or entity of it survives", () => {
        const h = walkthroughHtml(hostileWalkthrough(), { generatedAt: when });
        expect(h).not.toMatch(/<(script|img|b)\b/i);
        expect(h).not.toContain("</td></tr></table><script");
        expect(h).not.toMatch(/<[a-z][^>]*\s(src|onerror)=/i);
        expect(h).toContain(`<pre class="model">${escapeHtml(HOSTILE.answer)}</pre>`);
        expect(h).toContain("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;double&quot; &#39;single&#39;");
        expect(h).toContain("&amp;amp;");
        expect(h).toMatch(new RegExp(`Reason: [^<]*${escapeHtml(HOSTILE.reason).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
        expect(h).toContain(`<pre class="model">${escapeHtml(HOSTILE.correction)}</pre>`);
        expect(h).toMatch(/<pre class="diff">&lt;\/pre&gt;&lt;<ins>\/section&gt;&lt;<\/ins>script&gt;/);
    });
});

describe("exportWalkthrough", () => {
    it("picks the format from the extension and writes the whole file", () => {
        for (const [name, format] of [["a.md", "md"], ["b.MARKDOWN", "md"], ["c.html", "html"], ["d.htm", "html"]] as const) {
            const r = exportWalkthrough(walkthroughs, join(dir, name));
            expect(r.format).toBe(format);
            expect(r.bytes).toBe(statSync(r.file).size);
            expect(readFileSync(r.file, "utf8")).toMatch(format === "md" ? /^# Self-reflection walkthroughs \(3\)/ : /^<!DOCTYPE html>/);
        }
        expect(() => handoutFormat("notes.pdf")).toThrow(/notes\.pdf.*"\.pdf".*\.md.*\.markdown.*\.html.*\.htm/);
        expect(() => exportWalkthrough(walkthroughs, join(dir, "noext"))).toThrow(/noext.*without an extension.*\.md/);
        expect(() => exportWalkthrough(walkthroughs, join(dir, "missing", "x.md"))).toThrow(/missing.*does not exist/);
        mkdirSync(join(dir, "folder.html"));
        expect(() => exportWalkthrough(walkthroughs, join(dir, "folder.html"))).toThrow(/is a folder/);
    });

    it("an export interrupted half-way keeps the earlier file whole and leaves no temp file", () => {
        const sub = mkdtempSync(join(dir, "atomic-"));
        const file = join(sub, "handout.html");
        writeFileSync(file, "GOOD EARLIER HANDOUT");
        Object.assign(failWrites, { on: true, calls: 0 });
        try {
            expect(() => exportWalkthrough(walkthroughs, file)).toThrow(/handout\.html.*ENOSPC.*unchanged/);
        } finally {
            failWrites.on = false;
        }
        expect(failWrites.calls).toBe(2);
        expect(readFileSync(file, "utf8")).toBe("GOOD EARLIER HANDOUT");
        expect(readdirSync(sub)).toEqual(["handout.html"]);
        // And a good export then replaces it.
        exportWalkthrough(walkthroughs, file);
        const html = readFileSync(file, "utf8");
        expect(html).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
        expect(html.match(/<section class="stage"/g)).toHaveLength(totalStages(walkthroughs));
        expect(readdirSync(sub)).toEqual(["handout.html"]);
    });
});

describe("HTML handout in a real browser", () => {
    it("Chromium renders every stage with its caption, runs no script and shows hostile text as text", { timeout: 90_000 }, async () => {
        const all = [...walkthroughs, hostileWalkthrough()];
        const { file } = exportWalkthrough(all, join(dir, "browser.html"));
        const dom = await dumpDom(file);
        expect(dom).toContain("<html lang=\"en\">");
        const sections = [...dom.matchAll(/<section class="stage" data-stage="([a-z]+)" data-turn="(\d+)">\s*<h3>([^<]*)<\/h3>\s*<p class="caption">([^<]*)<\/p>/g)];
        expect(sections).toHaveLength(totalStages(all));
        const stages = all.flatMap((w) => w.stages);
        sections.forEach((m, i) => expect([m[1], m[2], m[3], m[4]]).toEqual([stages[i]!.kind, String(stages[i]!.turn), domText(stages[i]!.title), domText(stages[i]!.caption)]));
        expect(dom).not.toMatch(/<script\b/i);
        expect(dom).not.toMatch(/<img\b/i);
        expect(dom).toContain(`<pre class="model">${domText(HOSTILE.answer)}</pre>`);
        expect(dom).toContain(`<pre class="model">${domText(HOSTILE.reflection)}</pre>`);
        expect(dom).toContain(domText(HOSTILE.reason));
        expect(existsSync(file)).toBe(true);
    });
});
