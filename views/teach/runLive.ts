import type { Lab } from "../../src/lab.js";
import { LiveTeach, typedItem } from "../../src/teach/live.js";
import type { TeachKit } from "../../src/teach/walkthrough.js";
import type { TaskItem } from "../../src/tasks/types.js";
import { runTeach, type RunTeachOptions, type TeachHandle } from "./run.js";
import type { TeachQuestion } from "./TeachApp.js";

export interface RunTeachLiveOptions extends Omit<RunTeachOptions, "walkthrough" | "live" | "onReady" | "source"> {
    lab: Lab;
    kit: TeachKit;
    /** The item to start on (the teacher may type another with n). */
    item: TaskItem;
}

/**
 * `teach --live` on a terminal: the presenter fed by the live driver as the model streams. n asks a
 * typed question (a new loop; the one running is stopped first); q stops generation and quits. Every
 * step is recorded in the lab's session, so the run can be replayed with --replay.
 */
export async function runTeachLive(opts: RunTeachLiveOptions): Promise<void> {
    const { lab, kit, item, ...rest } = opts;
    let handle: TeachHandle | null = null;
    let typed = 0;
    const onQuestion = (q: TeachQuestion) => {
        try {
            void start(typedItem(q, ++typed));
        } catch (e) {
            handle?.update({ live: { pending: null, error: `cannot run that question: ${(e as Error).message}`, onQuestion } });
        }
    };
    const driver = new LiveTeach(lab, kit, (s) => handle?.update({ walkthrough: s.walkthrough, live: { pending: s.pending, error: s.error, onQuestion } }));
    const start = (it: TaskItem) =>
        driver.run(it).catch(() => {
            // The error is shown on the status line through the driver's state.
        });
    await runTeach({
        ...rest,
        walkthrough: null,
        start: "presenter",
        live: { pending: "loading…", onQuestion },
        onReady: (h) => {
            handle = h;
            void start(item);
        }
    });
    await driver.stop();
}
