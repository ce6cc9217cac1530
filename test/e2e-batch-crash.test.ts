// A batch on the real default model in a child process, SIGKILLed at several points and resumed:
// the final store must hold exactly the items and samples of an uninterrupted run.
import { afterAll, describe, expect, it } from "vitest";
import { spawn, execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { PROJECT_ROOT } from "../src/paths.js";

const cli = join(PROJECT_ROOT, "bin", "reflect-lab.js");
const dir = mkdtempSync(join(tmpdir(), "rl-crash-"));
const env = { ...process.env, REFLECT_LAB_CONFIG_DIR: mkdtempSync(join(tmpdir(), "rl-crash-conf-")) };
const args = (out: string) => ["batch", "--tasks", "demo", "--limit", "12", "--parallel", "4", "--k", "2", "--instructions", "fixed:1-1-1", "--max-tokens", "40", "--seed", "9", "--json", "--out", out];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts a batch and SIGKILLs it once `killAfterItems` items were reported (or after `killAfterMs`). */
function runUntilKilled(extra: string[], out: string, when: { items?: number; ms?: number }): Promise<{ items: number; killed: boolean }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [cli, ...args(out), ...extra], { env, stdio: ["ignore", "pipe", "pipe"] });
        let items = 0;
        let buf = "";
        let killed = false;
        const kill = () => {
            if (!killed) {
                killed = true;
                child.kill("SIGKILL");
            }
        };
        if (when.ms !== undefined) setTimeout(kill, when.ms);
        child.stdout.on("data", (d: Buffer) => {
            buf += d.toString();
            let nl: number;
            while ((nl = buf.indexOf("\n")) >= 0) {
                const line = buf.slice(0, nl);
                buf = buf.slice(nl + 1);
                if (line.startsWith("{") && JSON.parse(line).type === "item" && ++items === when.items) kill();
            }
        });
        let err = "";
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("error", reject);
        child.on("exit", (code, signal) => {
            if (signal === "SIGKILL" || code === 0) resolve({ items, killed: signal === "SIGKILL" });
            else reject(new Error(`batch exited with ${code}: ${err}`));
        });
    });
}

function storeContents(out: string) {
    const db = new Database(join(out, "samples.sqlite"), { readonly: true });
    try {
        expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
        const items = (db.prepare("SELECT item_id, status FROM items ORDER BY item_id").all() as { item_id: string; status: string }[]).map((r) => `${r.item_id}:${r.status}`);
        const samples = (db.prepare("SELECT item_id, instruction_key, sample_index FROM samples ORDER BY 1, 2, 3").all() as Record<string, unknown>[]).map((r) => Object.values(r).join("/"));
        return { items, samples };
    } finally {
        db.close();
    }
}

/** The sample keys a complete store must hold, from each item's stored turn-1 verdict. */
function chainsExpected(out: string): string[] {
    const db = new Database(join(out, "samples.sqlite"), { readonly: true });
    try {
        const failed = (db.prepare("SELECT item_id FROM items WHERE status = 'done' AND correct_t1 = 0 ORDER BY item_id").all() as { item_id: string }[]).map((r) => r.item_id);
        return failed.flatMap((id) => [0, 1].map((s) => `${id}/1-1-1/${s}`)).sort();
    } finally {
        db.close();
    }
}

describe("crash safety on the real model", () => {
    it("SIGKILL at several points, then --resume, gives the uninterrupted run's items and samples, no loss, no duplicates", async () => {
        const ref = join(dir, "ref");
        await promisify(execFile)(process.execPath, [cli, ...args(ref)], { env, timeout: 300_000 });
        const expected = storeContents(ref);
        expect(expected.items).toHaveLength(12);
        expect(expected.items.every((i) => i.endsWith(":done"))).toBe(true);

        const out = join(dir, "crashed");
        const a = await runUntilKilled([], out, { items: 2 });
        expect(a.killed).toBe(true);
        const afterA = storeContents(out).items.length;
        expect(afterA).toBeGreaterThanOrEqual(2);
        expect(afterA).toBeLessThan(12);
        const b = await runUntilKilled(["--resume"], out, { items: 3 });
        expect(b.killed).toBe(true);
        // A kill at an arbitrary moment, quite possibly mid-generation or mid-commit.
        await runUntilKilled(["--resume"], out, { ms: 2500 });
        const last = await runUntilKilled(["--resume"], out, {});
        expect(last.killed).toBe(false);
        const got = storeContents(out);
        expect(got.items).toEqual(expected.items);
        // Which items fail turn 1 can differ between runs on the real model (batch composition changes the
        // floating-point sums), so samples are checked per item against its own stored turn-1 verdict:
        // every failed item has exactly its k chains (1 instruction x k 2), every solved one none.
        expect(got.samples).toEqual(chainsExpected(out));
        expect(expected.samples).toEqual(chainsExpected(ref));
    }, 600_000);
});
