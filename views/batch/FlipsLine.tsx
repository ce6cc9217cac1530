import { Text } from "ink";
import stringWidth from "string-width";
import type { MetricsReport } from "../../src/batch/metrics.js";
import { theme } from "../theme.js";

/**
 * Chains whose turn-1 answer was right and whose last answer is wrong (c→i), and the reverse (i→c),
 * overall then per task, as many tasks as fit `width` (the rest counted). With the oracle a right
 * answer ends its chain, so c→i stays 0 there; with self or teacher verdicts it is what to watch.
 */
export function flipsText(report: MetricsReport, width: number): string {
    const f = (m: MetricsReport["overall"]) => `${m.flips.correctToIncorrect}/${m.flips.incorrectToCorrect}`;
    const tasks = Object.entries(report.perTask);
    let text = `flips c→i/i→c: overall ${f(report.overall)}`;
    for (let i = 0; i < tasks.length && tasks.length > 1; i++) {
        const [name, m] = tasks[i]!;
        const next = `${text} · ${name} ${f(m)}`;
        const rest = tasks.length - i - 1;
        // Keep room for the "+N more" that would follow.
        if (stringWidth(next) + (rest ? ` · +${rest} more`.length : 0) > width) return `${text} · +${tasks.length - i} more`;
        text = next;
    }
    return text;
}

export function FlipsLine({ report, width }: { report: MetricsReport; width: number }) {
    return (
        <Text color={theme.muted} wrap="truncate-end">
            {flipsText(report, width)}
        </Text>
    );
}
