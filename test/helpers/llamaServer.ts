// A real llama.cpp `llama-server` (scripts/llama-server.mjs builds it) serving the default model on a
// loopback port, for the endpoint tests: start, stop (the server "going away"), start again on the same port.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/paths.js";
// @ts-expect-error plain ESM script without types
import { ensureLlamaServer } from "../../scripts/llama-server.mjs";

export const SERVER_MODEL = "smollm2-135m";

export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as { port: number }).port;
            s.close(() => resolve(port));
        });
    });
}

export interface LlamaServer {
    port: number;
    /** OpenAI base URL: http://127.0.0.1:<port>/v1 */
    baseURL: string;
    readonly running: boolean;
    /** Last lines the server printed (for failure messages). */
    log(): string;
    stop(): Promise<void>;
    start(): Promise<void>;
}

export async function startLlamaServer(opts: { apiKey?: string; parallel?: number; ctxPerSlot?: number; threads?: number } = {}): Promise<LlamaServer> {
    const bin: string = await ensureLlamaServer();
    const port = await freePort();
    const parallel = opts.parallel ?? 4;
    let proc: ChildProcess | null = null;
    let out = "";
    const args = [
        "-m", join(PROJECT_ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf"), "--alias", SERVER_MODEL,
        "--host", "127.0.0.1", "--port", String(port), "-np", String(parallel), "-c", String(parallel * (opts.ctxPerSlot ?? 2048)),
        // Two threads on two cores: more would oversubscribe ggml's spin-waiting workers.
        "-t", String(opts.threads ?? 2), "--no-webui", ...(opts.apiKey ? ["--api-key", opts.apiKey] : [])
    ];
    const server: LlamaServer = {
        port,
        baseURL: `http://127.0.0.1:${port}/v1`,
        get running() {
            return proc !== null && proc.exitCode === null && proc.signalCode === null;
        },
        log: () => out.split("\n").slice(-30).join("\n"),
        async stop() {
            const p = proc;
            if (!p || p.exitCode !== null || p.signalCode !== null) return;
            await new Promise<void>((resolve) => {
                p.once("exit", () => resolve());
                p.kill("SIGKILL");
            });
            proc = null;
        },
        async start() {
            out = "";
            const p = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
            proc = p;
            const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
            p.stdout!.on("data", keep);
            p.stderr!.on("data", keep);
            const t0 = Date.now();
            for (;;) {
                if (p.exitCode !== null) throw new Error(`llama-server exited with ${p.exitCode}:\n${server.log()}`);
                try {
                    const r = await fetch(`http://127.0.0.1:${port}/health`);
                    if (r.ok) return;
                } catch {
                    // not listening yet
                }
                if (Date.now() - t0 > 120_000) throw new Error(`llama-server did not become healthy in 120 s:\n${server.log()}`);
                await new Promise((r) => setTimeout(r, 200));
            }
        }
    };
    await server.start();
    return server;
}
