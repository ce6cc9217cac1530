// One build at a time in a shared cache folder, across processes (mkdir is atomic); a lock left by a
// dead process is taken over. Used by the llama.cpp builds (bench/llama-tools.mjs, scripts/llama-server.mjs).
import fs from "node:fs";
import path from "node:path";

export function isAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return e.code === "EPERM";
    }
}

export async function withLock(dir, fn, log = () => {}) {
    const lockDir = path.join(dir, ".lock");
    fs.mkdirSync(dir, { recursive: true });
    for (let waitedMs = 0; ; waitedMs += 2000) {
        try {
            fs.mkdirSync(lockDir);
            fs.writeFileSync(path.join(lockDir, "pid"), String(process.pid));
            break;
        } catch (e) {
            if (e.code !== "EEXIST") throw e;
            let owner = NaN;
            try {
                owner = Number(fs.readFileSync(path.join(lockDir, "pid"), "utf8"));
            } catch {}
            if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
                log(`removing stale lock of dead process ${owner}`);
                fs.rmSync(lockDir, { recursive: true, force: true });
                continue;
            }
            if (waitedMs % 60000 === 0) log(`waiting for another build (lock ${lockDir}, pid ${owner})`);
            await new Promise((r) => setTimeout(r, 2000));
        }
    }
    try {
        return await fn();
    } finally {
        fs.rmSync(lockDir, { recursive: true, force: true });
    }
}
