// Each shared contract has one owner: no import cycle between source files, the teacher never imports
// batch (tagRun lives in src/batch/), schema strings only in their constants, one copy of the helpers
// several commands and screens share.
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { PROJECT_ROOT } from "../src/paths.js";

function sources(dir: string): string[] {
    return readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []
    );
}

/** Relative imports and re-exports of a file (type-only ones too: they tie the modules as much). */
function importsOf(file: string): string[] {
    const text = readFileSync(join(PROJECT_ROOT, file), "utf8");
    return [...text.matchAll(/(?:import|export)[^"';]*?from\s+["'](\.[^"']+)["']/g)].flatMap((m) => {
        const base = resolve(PROJECT_ROOT, dirname(file), m[1]!).replace(/\.js$/, "");
        const hit = [".ts", ".tsx"].map((x) => base + x).find((p) => existsSync(p));
        return hit ? [relative(PROJECT_ROOT, hit)] : [];
    });
}

/** Strongly connected groups of more than one file (Tarjan). */
function cycles(files: string[]): string[][] {
    const edges = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));
    let next = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const out: string[][] = [];
    const visit = (v: string) => {
        index.set(v, next);
        low.set(v, next++);
        stack.push(v);
        for (const w of edges.get(v)!) {
            if (!index.has(w)) {
                visit(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        if (low.get(v) === index.get(v)) {
            const group: string[] = [];
            let w: string;
            do group.push((w = stack.pop()!));
            while (w !== v);
            if (group.length > 1) out.push(group.sort());
        }
    };
    for (const f of files) if (!index.has(f)) visit(f);
    return out;
}

const SRC = sources("src");
const BIN = sources("bin");

describe("module owners", () => {
    it("finds the source files it checks", () => {
        expect(SRC.length).toBeGreaterThan(150);
        expect(BIN.length).toBeGreaterThan(10);
        expect(SRC).toContain("src/batch/tagRun.ts");
    });

    it("has no import cycle between the files of src/ and bin/", () => {
        expect(cycles([...SRC, ...BIN])).toEqual([]);
        // The check sees a cycle when there is one.
        expect(cycles(["test/fixtures/cycle/a.ts", "test/fixtures/cycle/b.ts"])).toEqual([["test/fixtures/cycle/a.ts", "test/fixtures/cycle/b.ts"]]);
    });

    it("keeps src/teacher free of src/batch: batch uses the teacher, not the other way round", () => {
        const teacher = SRC.filter((f) => f.startsWith("src/teacher/"));
        expect(teacher.length).toBeGreaterThan(5);
        const back = teacher.flatMap((f) => importsOf(f).filter((t) => t.startsWith("src/batch/")).map((t) => `${f} -> ${t}`));
        expect(back).toEqual([]);
    });

    it("writes every schema string once, in its constant", () => {
        const found = [...SRC, ...BIN].flatMap((f) =>
            readFileSync(join(PROJECT_ROOT, f), "utf8")
                .split("\n")
                .flatMap((line, i) => (/["'`]reflect-lab\/[a-z-]+@\d+["'`]/.test(line) ? [{ at: `${f}:${i + 1}`, line: line.trim() }] : []))
        );
        expect(found.length).toBeGreaterThanOrEqual(8);
        expect(found.filter((x) => !/^export const [A-Z_]+_SCHEMA = "reflect-lab\/[a-z-]+@\d+";$/.test(x.line))).toEqual([]);
        const names = found.map((x) => /"(reflect-lab\/[^"]+)"/.exec(x.line)![1]);
        expect(new Set(names).size).toBe(names.length);
        expect(names).toEqual(expect.arrayContaining(["reflect-lab/run@1", "reflect-lab/session@1", "reflect-lab/record@1"]));
    });

    it("defines defaultParallel and the lab's option letters once", () => {
        const where = (re: RegExp, files: string[]) => files.filter((f) => re.test(readFileSync(join(PROJECT_ROOT, f), "utf8")));
        const all = [...SRC, ...BIN, ...sources("views")];
        expect(where(/(?:function|const) defaultParallel\b/, all)).toEqual(["src/batch/parallel.ts"]);
        // src/verify and src/teach (other owners) still carry their own; tasks, prompts and bin use this one.
        const mine = [...SRC, ...BIN].filter((f) => !f.startsWith("src/verify/") && !f.startsWith("src/teach/"));
        expect(where(/(?:function|const) letterOf\b/, mine)).toEqual(["src/tasks/options.ts"]);
        expect(where(/fromCharCode\(65 \+/, mine)).toEqual(["src/tasks/options.ts"]);
    });

    it("lists sessions/ in one place", () => {
        const listers = SRC.filter((f) => /readdirSync\((?:sessionsDir|SESSIONS_DIR)\)/.test(readFileSync(join(PROJECT_ROOT, f), "utf8")));
        expect(listers).toEqual(["src/sessionFolders.ts"]);
    });
});
