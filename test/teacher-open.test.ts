// `--teacher <endpoint>` resolution: a stored endpoint opened as one Backend, spoken to over HTTP by the judge and the tagger.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EndpointStore } from "../src/endpoints/store.js";
import { endpointFrom } from "../src/endpoints/validate.js";
import { tagReflection } from "../src/teacher/errorTypes.js";
import { teacherJudge } from "../src/teacher/judge.js";
import { openTeacher } from "../src/teacher/open.js";

const dir = mkdtempSync(join(tmpdir(), "rl-teacher-open-"));
const bodies: Record<string, unknown>[] = [];
let server: Server;
let url = "";

/** A chat-completions server that answers like a teacher: a verdict for judge prompts, types for tagging prompts. */
beforeAll(async () => {
    server = createServer((req, res) => {
        let raw = "";
        req.on("data", (c) => (raw += c));
        req.on("end", () => {
            const body = JSON.parse(raw) as { messages: { content: string }[] };
            bodies.push(body);
            const prompt = body.messages[0]!.content;
            const content = prompt.includes("Reflection 2:") ? "Reflection 2 is vaguer.\n**Better:** 1\nReason: it names the wrong step" : "Types: calculation";
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify({ id: "x", object: "chat.completion", created: 0, model: "judge-model", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }], usage: { prompt_tokens: 20, completion_tokens: 8, total_tokens: 28 } }));
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
});

describe("openTeacher", () => {
    it("opens a stored endpoint by name; the judge and the tagger talk to it greedily with a fixed seed", async () => {
        const store = new EndpointStore({ cwd: dir });
        store.upsert(endpointFrom({ name: "big", baseURL: url, model: "judge-model", concurrency: 3, maxRetries: 0 }));
        const t = await openTeacher("big", { store });
        try {
            expect(t).toMatchObject({ model: "judge-model", endpoint: "big", concurrency: 3 });
            expect(t.backend.info).toMatchObject({ kind: "openai", modelFile: "judge-model" });
            const j = teacherJudge(t.backend, { model: t.model });
            const prompt = [
                { role: "user" as const, content: "What is 2 + 2?" },
                { role: "assistant" as const, content: "Final answer: 5" },
                { role: "user" as const, content: "Your answer is incorrect. Reflect." }
            ];
            expect(await j.judge(prompt, { role: "assistant", content: "I added wrongly." }, { role: "assistant", content: "Try again." })).toEqual({ winner: "a", reason: "it names the wrong step" });
            const tag = await tagReflection(t.backend, { question: "What is 2 + 2?", attempt: "Final answer: 5", reflection: "I added wrongly." });
            expect(tag).toMatchObject({ types: ["calculation"], parsed: true });
            expect(bodies).toHaveLength(2);
            for (const b of bodies) expect(b).toMatchObject({ model: "judge-model", temperature: 0, seed: 42 });
        } finally {
            await t.dispose();
        }
    });

    it("names the missing endpoint and the stored ones", async () => {
        const store = new EndpointStore({ cwd: dir });
        await expect(openTeacher("nope", { store })).rejects.toThrow(/no endpoint named "nope"; stored: big/);
    });
});
