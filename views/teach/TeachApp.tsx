import { useInput } from "ink";
import { useEffect, useMemo, useRef, useState } from "react";
import type { TeachSource } from "../../src/teach/sources.js";
import type { GalleryEntry, Walkthrough } from "../../src/teach/types.js";
import { useTerminalSize } from "../useTerminalSize.js";
import { Gallery } from "./Gallery.js";
import { Presenter, type PresenterAction } from "./Presenter.js";
import { QuestionForm } from "./QuestionForm.js";
import { SideBySide } from "./SideBySide.js";
import { createTeachStore, type SpeedLevel } from "./teachStore.js";

/** A question the teacher typed (the question form's result), for the live driver. */
export interface TeachQuestion {
    question: string;
    answer: string;
    family: "mc" | "math" | "code" | "text";
    choices: string[] | null;
}

export interface TeachLive {
    /** What the model is doing now ("the model is writing its reflection…"); null when it is idle or done. */
    pending: string | null;
    /** Why the last run stopped early (shown on the status line), if it did. */
    error?: string | null;
    /** n → the question form → this. The driver then passes the new item's walkthrough as it grows. */
    onQuestion(q: TeachQuestion): void;
}

export interface TeachAppProps {
    /** Recorded walkthroughs: enables the gallery (g) and side by side (s) for entries opened from it. */
    source?: TeachSource | null;
    /**
     * The walkthrough to present (a single replay, or live: rebuilt as the model streams; stages are
     * only appended and the last one's text grows, and the stage index is kept). An entry opened from
     * the gallery is shown instead until n asks a new question.
     */
    walkthrough?: Walkthrough | null;
    /** Default: the gallery when a source with entries and no walkthrough is given, else the presenter. */
    start?: "gallery" | "presenter";
    /** With a source and start "presenter" and no walkthrough: which entry opens first (default 0). */
    entryIndex?: number;
    /** Live mode: n opens the question form; the status line shows `pending`. */
    live?: TeachLive | null;
    /** Verdict stages wait for v (h toggles it). */
    hideVerdicts?: boolean;
    /** Typing speed of streamed stages (default readable; tests: instant). */
    speed?: SpeedLevel;
    /** x: writes a handout; the paths it returns are shown on the message line. */
    onExport?(w: Walkthrough): Promise<string[]>;
    /** Embedded in the lab: esc goes back there. */
    onBack?(): void;
    /** q / ctrl+c. */
    onQuit(): void;
    /** Terminal size; default stdout's (one row left free so Ink repaints in place), else 80×24. */
    columns?: number;
    rows?: number;
}

type View = "presenter" | "gallery" | "side" | "form";

interface Opened {
    entry: GalleryEntry;
    index: number;
    walkthrough: Walkthrough;
}

interface Side {
    left: Walkthrough;
    rights: GalleryEntry[];
    at: number;
    right: Walkthrough;
    /** Where esc goes back to. */
    from: View;
}

/**
 * `reflect-lab teach`: the presenter, and the views it switches to (gallery, side by side, question
 * form). One view is mounted at a time, so only its keys are live; the presenter's state (stage,
 * reveals, pace) is a store that outlives the switches.
 */
export function TeachApp(props: TeachAppProps) {
    const { source, live, onQuit } = props;
    // Follows resizes (a projector's terminal is often resized once the class sits down); the last row stays free.
    const size = useTerminalSize({ columns: props.columns, rows: props.rows, reserveRows: 1 });
    const store = useMemo(() => createTeachStore({ hideVerdicts: props.hideVerdicts, speed: props.speed }), []);
    const entries = source?.entries ?? [];
    const [opened, setOpened] = useState<Opened | null>(() => {
        if (props.walkthrough || !entries.length || props.start === "gallery") return null;
        const index = Math.max(0, Math.min(props.entryIndex ?? 0, entries.length - 1));
        if (props.start !== "presenter") return null;
        try {
            return open(entries[index]!, index);
        } catch (e) {
            store.getState().setMessage(`could not open it: ${(e as Error).message}`);
            return null;
        }
    });
    const [view, setView] = useState<View>(() => {
        if (props.start) return props.start === "gallery" && entries.length ? "gallery" : "presenter";
        if (!props.walkthrough && entries.length) return "gallery";
        // Live with nothing under way: the teacher's first move is typing a question.
        return live && !props.walkthrough && !live.pending ? "form" : "presenter";
    });
    const [side, setSide] = useState<Side | null>(null);
    const showing: View = view === "gallery" && entries.length ? "gallery" : view === "side" && side ? "side" : view === "form" && live ? "form" : "presenter";
    // Ink subscribes a view's keys in a passive effect, which can run a moment after the switch: until
    // then the view that left still hears keys. Its callbacks check this (set at once) and do nothing.
    const viewRef = useRef(showing);
    viewRef.current = showing;
    const go = (v: View) => {
        viewRef.current = v;
        setView(v);
    };
    const only =
        <A extends unknown[]>(v: View, f: (...a: A) => void) =>
        (...a: A) => {
            if (viewRef.current === v) f(...a);
        };
    const walkthrough = opened?.walkthrough ?? props.walkthrough ?? null;

    // A different walkthrough (another entry, a new question) starts at its first stage; a live one growing keeps its place.
    const identity = walkthrough ? `${opened ? `entry ${opened.index}` : "prop"} ${walkthrough.source.kind} ${walkthrough.source.path} ${walkthrough.item.id} ${walkthrough.source.sample?.instructionKey ?? ""}#${walkthrough.source.sample?.sampleIndex ?? ""}` : null;
    const lastIdentity = useRef(identity);
    useEffect(() => {
        if (identity !== null && lastIdentity.current !== null && identity !== lastIdentity.current) store.getState().reset();
        if (identity !== null) lastIdentity.current = identity;
    }, [identity, store]);

    // A run's siblings are found with a query per entry of the item: once per opened entry, not per render.
    const siblings = useMemo(() => (opened && source ? source.siblings(opened.entry) : []), [opened, source]);
    const avail = { source: entries.length > 0, siblings: siblings.length > 0, live: Boolean(live), export: Boolean(props.onExport && walkthrough), back: Boolean(props.onBack || entries.length) };

    // A run's record is parsed when it is opened: a broken one says so on the message line instead of crashing the class.
    const tryOpen = (f: () => void) => {
        try {
            f();
        } catch (e) {
            store.getState().setMessage(`could not open it: ${(e as Error).message}`);
            go("presenter");
        }
    };

    const openSide = (left: Walkthrough, rights: GalleryEntry[], from: View) => {
        if (!rights.length) return store.getState().setMessage("no other chain on the same failed attempt");
        setSide({ left, rights, at: 0, right: rights[0]!.open(), from });
        go("side");
    };

    const onAction = only("presenter", (a: PresenterAction) => {
        const st = store.getState();
        switch (a) {
            case "gallery":
                return go("gallery");
            case "side":
                return walkthrough ? tryOpen(() => openSide(walkthrough, siblings, "presenter")) : undefined;
            case "new":
                return go("form");
            case "export": {
                if (!walkthrough || !props.onExport) return;
                st.setMessage("exporting…");
                props.onExport(walkthrough).then(
                    (paths) => store.getState().setMessage(paths.length ? `wrote ${paths.join(", ")}` : "nothing written"),
                    (e: unknown) => store.getState().setMessage(`export failed: ${(e as Error).message}`)
                );
                return;
            }
            case "esc":
                if (props.onBack) return props.onBack();
                return entries.length ? go("gallery") : undefined;
            case "quit":
                return onQuit();
        }
    });

    // ctrl+c quits from every view: the gallery, side by side and the form own their other keys.
    useInput((input, key) => (key.ctrl && input === "c" ? onQuit() : undefined), { isActive: showing !== "presenter" });

    const { columns, rows } = size;
    if (showing === "gallery") {
        return (
            <Gallery
                entries={entries}
                columns={columns}
                rows={rows}
                selected={opened?.index}
                onOpen={only("gallery", (entry: GalleryEntry, index: number) => {
                    store.getState().reset();
                    tryOpen(() => setOpened(open(entry, index)));
                    go("presenter");
                })}
                onSide={only("gallery", (entry: GalleryEntry) => tryOpen(() => openSide(entry.open(), source!.siblings(entry), "gallery")))}
                onBack={only("gallery", () => (walkthrough ? go("presenter") : (props.onBack ?? onQuit)()))}
            />
        );
    }
    if (showing === "side" && side) {
        return (
            <SideBySide
                left={side.left}
                right={side.right}
                columns={columns}
                rows={rows}
                onNext={only("side", () => {
                    const at = (side.at + 1) % side.rights.length;
                    tryOpen(() => setSide({ ...side, at, right: side.rights[at]!.open() }));
                })}
                onBack={only("side", () => go(side.from))}
            />
        );
    }
    if (showing === "form" && live) {
        return (
            <QuestionForm
                columns={columns}
                rows={rows}
                onSubmit={only("form", (q: TeachQuestion) => {
                    store.getState().reset();
                    setOpened(null);
                    lastIdentity.current = null;
                    go("presenter");
                    try {
                        live.onQuestion(q);
                    } catch (e) {
                        store.getState().setMessage(`the question: ${(e as Error).message}`);
                    }
                })}
                onCancel={only("form", () => go("presenter"))}
            />
        );
    }
    return <Presenter walkthrough={walkthrough} store={store} columns={columns} rows={rows} pending={live?.pending ?? null} error={live?.error ?? null} live={Boolean(live)} avail={avail} onAction={onAction} />;
}

function open(entry: GalleryEntry, index: number): Opened {
    return { entry, index, walkthrough: entry.open() };
}
