// LogiQA text files (Train.txt / Eval.txt / Test.txt of the release): blocks separated by blank
// lines, each block being
//   line 1: the answer letter (a-d)
//   line 2: the context (passage)
//   line 3: the question
//   lines 4-7: the four options, usually labelled "A." .. "D." (labels "A." "A)" "(A)" "A:" "C?" "A "
//              are stripped)
// A block whose passage runs over several lines is read too when its last four lines are the options
// A-D: the lines between the answer and the question line are the passage.
import { basename, extname } from "node:path";
import { letterOf, optionLabel, stripOptionLabels } from "../options.js";
import type { TaskItem } from "../types.js";
import { Collector, failer, readItemText, type ImportOptions, type ImportResult } from "./common.js";

interface Block {
    /** 1-based line of each of the block's lines. */
    lines: { no: number; text: string }[];
}

function blocks(text: string): Block[] {
    const out: Block[] = [];
    let cur: Block | null = null;
    text.split(/\r?\n/).forEach((raw, i) => {
        if (!raw.trim()) {
            cur = null;
            return;
        }
        if (!cur) out.push((cur = { lines: [] }));
        cur.lines.push({ no: i + 1, text: raw.trim() });
    });
    return out;
}

function toItem(b: Block, index: number, file: string): TaskItem {
    const start = b.lines[0]!.no;
    const at = (k: number) => b.lines[k]?.no ?? start;
    const ans = b.lines[0]!.text;
    const m = /^\(?([a-dA-D])[).]?$/.exec(ans);
    if (!m) failer(file, start)("answer", `expected an answer letter a-d on the first line of the block, got "${ans.length > 40 ? ans.slice(0, 40) + "..." : ans}"`);
    if (b.lines.length < 2) failer(file, start)("context", "missing (block has only the answer line)");
    if (b.lines.length < 3) failer(file, at(1))("question", "missing (block ends after the context)");
    const n = b.lines.length;
    const tail = b.lines.slice(-4);
    const longPassage = n > 7 && tail.every((l, i) => optionLabel(l.text, i) !== null);
    const options = longPassage ? tail : b.lines.slice(3);
    if (options.length !== 4) failer(file, at(3))("options", `expected 4 options on lines 4-7 of the block, got ${options.length}`);
    const choices = stripOptionLabels(options.map((o) => o.text));
    const empty = choices.findIndex((c) => !c);
    if (empty >= 0) failer(file, options[empty]!.no)("options", `option ${letterOf(empty)} is empty`);
    const idx = m![1]!.toUpperCase().charCodeAt(0) - 65;
    return {
        id: `logiqa-${index}`,
        task: "logiqa",
        family: "mc",
        question: longPassage ? b.lines.slice(1, n - 4).map((l) => l.text).join("\n") : `${b.lines[1]!.text}\n${b.lines[2]!.text}`,
        choices,
        answer: letterOf(idx),
        answer_index: idx,
        tests: null,
        test_setup: null
    };
}

export async function importLogiQA(path: string, opts: ImportOptions = {}): Promise<ImportResult> {
    const col = new Collector(opts);
    // Invalid lines stay in place (blanking one would split its block); a block holding one is dropped, its error already recorded.
    const { text, invalidLines } = await readItemText(path, col, opts, false);
    blocks(text).forEach((b, i) => {
        if (!b.lines.some((l) => invalidLines.has(l.no))) col.add(() => toItem(b, i, path), { file: path, line: b.lines[0]!.no });
    });
    return { set: { name: basename(path, extname(path)), source: path, items: col.items }, skipped: col.skipped };
}
