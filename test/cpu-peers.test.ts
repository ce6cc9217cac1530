// A second reflect-lab process computing on the same machine is detected (a real child process),
// and two hosts in one process share one node-llama-cpp instance, hence one thread budget.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "reflect-lab-peers-test-"));
process.env.REFLECT_LAB_PEERS_DIR = dir;
const { cpuContention, cpuPeers, registerCpuUse } = await import("../src/backend/cpuPeers.js");
const { ProgressLines } = await import("../src/batch/progress.js");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const childScript = `
process.env.REFLECT_LAB_PEERS_DIR = ${JSON.stringify(dir)};
const { registerCpuUse } = await import(${JSON.stringify(new URL("../src/backend/cpuPeers.ts", import.meta.url).href)});
registerCpuUse(${availableParallelism()}, "model.gguf");
process.stdout.write("registered\\n");
setInterval(() => {}, 1000);
`;

describe("other reflect-lab processes on the machine", () => {
    it("sees a live peer by pid, names the fix, and forgets it once it exits", async () => {
        registerCpuUse(availableParallelism(), "here.gguf");
        expect(cpuPeers()).toEqual([]);
        expect(cpuContention()).toBeNull();
        const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", childScript], { stdio: ["ignore", "pipe", "inherit"] });
        await new Promise<void>((resolve, reject) => {
            child.stdout.on("data", (d: Buffer) => d.toString().includes("registered") && resolve());
            child.on("exit", (c) => reject(new Error(`child exited ${c}`)));
        });
        const peers = cpuPeers();
        expect(peers.length).toBe(1);
        expect(peers[0]!.pid).toBe(child.pid);
        const line = cpuContention();
        expect(line).toContain(`pid ${child.pid}`);
        expect(line).toMatch(/--threads \d/);
        const lines: string[] = [];
        const progress = new ProgressLines(2, (l) => lines.push(l), 0);
        progress.on({ type: "item", done: 1, total: 2, outcome: { itemId: "x", task: "t", t1: true, chains: [] } } as never);
        expect(lines.some((l) => l.startsWith("warning: another reflect-lab process") && l.includes(String(child.pid)))).toBe(true);
        child.kill("SIGKILL");
        await new Promise((r) => child.once("exit", r));
        expect(cpuPeers()).toEqual([]);
        expect(cpuContention()).toBeNull();
        // The dead peer's entry was cleaned up; ours stays until we exit.
        expect(readdirSync(dir)).toEqual([`${process.pid}.json`]);
    });
});

describe("one thread budget per process", () => {
    it("two hosts (e.g. the lab and its batch) share one node-llama-cpp instance", async () => {
        const { LlamaHost } = await import("../src/backend/llama.js");
        const a = await LlamaHost.load({ contextSize: 512, sequences: 1, threads: 2 });
        const b = await LlamaHost.load({ contextSize: 512, sequences: 1, threads: 2 });
        try {
            expect((a as unknown as { llama: object }).llama).toBe((b as unknown as { llama: object }).llama);
            const sampler = { temperature: 0, topK: 1, topP: 1, minP: 0, repeatPenalty: 1, seed: 1, maxTokens: 8 };
            const [x, y] = await Promise.all([a.single(), b.single()].map((h) => h.generate({ messages: [{ role: "user", content: "Say hi." }], sampler })));
            expect(x!.outputTokens).toBeGreaterThan(0);
            expect(y!.outputTokens).toBeGreaterThan(0);
        } finally {
            await b.dispose();
            await a.dispose();
        }
        // Disposing both released the shared instance: a new host loads and works again.
        const c = await LlamaHost.load({ contextSize: 512, sequences: 1, threads: 2 });
        await c.dispose();
    });
});
