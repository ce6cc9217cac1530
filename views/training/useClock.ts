import { useEffect, useState } from "react";

/** The time (ms), ticking every `ms` while `live`: the monitor's elapsed clock moves when no event comes (a trainer loading its model). */
export function useClock(live: boolean, ms = 1000): number {
    const [now, setNow] = useState(() => Date.now());
    useEffect(() => {
        if (!live) return;
        setNow(Date.now());
        const t = setInterval(() => setNow(Date.now()), ms);
        return () => clearInterval(t);
    }, [live, ms]);
    return now;
}
