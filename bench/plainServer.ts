// A llama-server started the way a user would: the project's build (scripts/llama-server.mjs) on a
// GGUF with `-np P -c P*ctx -t threads --jinja` and nothing else tuned (the server's default prompt
// cache and slot choice). Killed on stop(), on SIGINT and when this process exits.
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "../test/helpers/llamaServer.js";
// @ts-expect-error: a plain ES module without types
import { ensureLlamaServer } from "../scripts/llama-server.mjs";

export interface PlainServer {
    url: string;
    /** the server's last output, for failure messages */
    log(): string;
    stop(): Promise<void>;
}

export async function startPlainServer(o: { model: string; P: number; ctxPerSlot: number; threads: number }): Promise<PlainServer> {
    const bin: string = await ensureLlamaServer();
    const port = await freePort();
    const args = ["-m", o.model, "--host", "127.0.0.1", "--port", String(port), "-np", String(o.P), "-c", String(o.P * o.ctxPerSlot), "-t", String(o.threads), "--jinja", "--no-webui"];
    const proc: ChildProcess = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const keep = (d: Buffer) => (out = (out + d.toString()).slice(-8000));
    proc.stdout!.on("data", keep);
    proc.stderr!.on("data", keep);
    const kill = () => proc.exitCode === null && proc.signalCode === null && proc.kill("SIGKILL");
    const onSigint = () => {
        kill();
        process.exit(130);
    };
    process.once("SIGINT", onSigint);
    process.once("exit", kill);
    const stop = async () => {
        process.off("SIGINT", onSigint);
        process.off("exit", kill);
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        await new Promise<void>((resolve) => {
            proc.once("exit", () => resolve());
            kill();
        });
    };
    const url = `http://127.0.0.1:${port}`;
    const server = { url, log: () => out.slice(-3000), stop };
    const t0 = Date.now();
    for (;;) {
        if (proc.exitCode !== null) {
            await stop();
            throw new Error(`llama-server exited with ${proc.exitCode}:\n${server.log()}`);
        }
        if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return server;
        if (Date.now() - t0 > 120_000) {
            await stop();
            throw new Error(`llama-server did not become healthy in 120 s:\n${server.log()}`);
        }
        await new Promise((r) => setTimeout(r, 200));
    }
}
