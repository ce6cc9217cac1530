import { useEffect, useState } from "react";
import { cpuContention } from "../src/backend/cpuPeers.js";

/** The warning about another reflect-lab process computing on this machine, re-checked every few seconds. */
export function useCpuContention(everyMs = 5000): string | null {
    const [line, setLine] = useState<string | null>(() => cpuContention());
    useEffect(() => {
        const t = setInterval(() => setLine(cpuContention()), everyMs);
        t.unref?.();
        return () => clearInterval(t);
    }, [everyMs]);
    return line;
}
