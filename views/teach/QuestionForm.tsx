import { Box, Text, useInput } from "ink";
import { useReducer, useRef } from "react";
import type { TaskFamily } from "../../src/tasks/types.js";
import { goldIndex } from "../../src/verify/oracle.js";
import { theme } from "../theme.js";

export type QuestionFamily = TaskFamily;

export interface TeacherQuestion {
    question: string;
    answer: string;
    family: QuestionFamily;
    choices: string[] | null;
}

export interface QuestionValues {
    question: string;
    answer: string;
    family: QuestionFamily;
    /** Options as typed, separated by "|". */
    choices: string;
}

type FieldKey = keyof QuestionValues;

export const FAMILIES: QuestionFamily[] = ["mc", "math", "code", "text"];

const LABELS: Record<FieldKey, string> = { question: "question", answer: "answer", family: "type", choices: "choices" };

const HINTS: Record<FieldKey, string> = {
    question: "the question as the model will read it",
    answer: "the expected answer: mc a letter (A, B…) or an option's text; math the value",
    family: "←/→ · mc: options · math: a value · code: a program · text: a short answer",
    choices: 'the options, separated by " | " (e.g. Yes | No)'
};

/** The options typed into the choices field, in order. */
export const splitChoices = (s: string): string[] =>
    s
        .split("|")
        .map((c) => c.trim())
        .filter(Boolean);

const letter = (i: number) => String.fromCharCode(65 + i);

/** Fields shown for a family: choices only for multiple choice. */
export const fieldsFor = (family: QuestionFamily): FieldKey[] => (family === "mc" ? ["question", "answer", "family", "choices"] : ["question", "answer", "family"]);

/** What is wrong with the form, per field (empty: it can be submitted). */
export function validateQuestion(v: QuestionValues): Partial<Record<FieldKey, string>> {
    const err: Partial<Record<FieldKey, string>> = {};
    if (!v.question.trim()) err.question = "type the question";
    if (!v.answer.trim()) err.answer = "type the expected answer";
    if (v.family === "mc") {
        const choices = splitChoices(v.choices);
        if (choices.length < 2) err.choices = `give at least 2 options separated by " | " (${choices.length} so far)`;
        // The ground-truth verifier's own reading of a gold answer, so the live run can never disagree with the form.
        else if (v.answer.trim() && goldIndex(v.answer, choices) === null) err.answer = `not an option: give a letter A–${letter(choices.length - 1)} or one option's text`;
    }
    return err;
}

/** The form as a question for the live run; mc answers become the option's letter. */
export function questionOf(v: QuestionValues): TeacherQuestion {
    if (v.family !== "mc") return { question: v.question.trim(), answer: v.answer.trim(), family: v.family, choices: null };
    const choices = splitChoices(v.choices);
    return { question: v.question.trim(), answer: letter(goldIndex(v.answer, choices) ?? 0), family: "mc", choices };
}

/**
 * Wraps `text` to `width` characters at spaces (a word longer than a line is cut), keeping every
 * other space so the cursor sits where typing goes, and keeps the last `max` lines: the end is being typed.
 */
function tailLines(text: string, width: number, max: number): string[] {
    const w = Math.max(1, width);
    const out: string[] = [];
    for (const para of text.split("\n")) {
        let rest = para;
        while (rest.length > w) {
            const cut = rest.lastIndexOf(" ", w);
            out.push(rest.slice(0, cut > 0 ? cut : w));
            rest = rest.slice(cut > 0 ? cut + 1 : w);
        }
        out.push(rest);
    }
    return out.slice(-Math.max(1, max));
}

interface FormState {
    values: QuestionValues;
    sel: FieldKey;
    /** Set by the first submit attempt: from then on the errors show, and clear as they are fixed. */
    tried: boolean;
}

const LABEL_WIDTH = 10;

/** A teacher's own question for a live run: question, expected answer, type and (mc) choices, checked before it is sent. */
export function QuestionForm(props: { columns: number; rows: number; onSubmit(q: { question: string; answer: string; family: "mc" | "math" | "code" | "text"; choices: string[] | null }): void; onCancel(): void }) {
    const { columns, rows } = props;
    // State lives in a ref: typed characters can arrive before the input handler is re-subscribed.
    const st = useRef<FormState>({ values: { question: "", answer: "", family: "mc", choices: "" }, sel: "question", tried: false });
    const [, render] = useReducer((x: number) => x + 1, 0);
    const update = (patch: Partial<FormState>) => {
        st.current = { ...st.current, ...patch };
        render();
    };

    useInput((input, key) => {
        const s = st.current;
        const fields = fieldsFor(s.values.family);
        const at = Math.max(0, fields.indexOf(s.sel));
        const submit = () => {
            if (Object.keys(validateQuestion(s.values)).length) return update({ tried: true });
            props.onSubmit(questionOf(s.values));
        };
        if (key.escape) return props.onCancel();
        if (key.ctrl && input === "s") return submit();
        if (key.return) return at === fields.length - 1 ? submit() : update({ sel: fields[at + 1]! });
        if (key.upArrow || (key.tab && key.shift)) return update({ sel: fields[(at - 1 + fields.length) % fields.length]! });
        if (key.downArrow || key.tab) return update({ sel: fields[(at + 1) % fields.length]! });
        if (s.sel === "family") {
            if (!key.leftArrow && !key.rightArrow) return;
            const i = FAMILIES.indexOf(s.values.family) + (key.leftArrow ? -1 : 1);
            return update({ values: { ...s.values, family: FAMILIES[(i + FAMILIES.length) % FAMILIES.length]! } });
        }
        const field = s.sel;
        const value = s.values[field];
        if (key.backspace || key.delete) return update({ values: { ...s.values, [field]: value.slice(0, -1) } });
        if (key.ctrl && input === "u") return update({ values: { ...s.values, [field]: "" } });
        if (!input || key.ctrl || key.meta) return;
        // Pasted text may hold line breaks: kept in the question, spaces elsewhere; other control characters go.
        const text = input.replace(/\r\n?/g, "\n").replace(/\t/g, " ").replace(field === "question" ? /[\x00-\x09\x0b-\x1f]/g : /[\x00-\x1f]/g, field === "question" ? "" : " ");
        update({ values: { ...s.values, [field]: value + text } });
    });

    const s = st.current;
    const v = s.values;
    const fields = fieldsFor(v.family);
    const errors = s.tried ? validateQuestion(v) : {};
    const inner = Math.max(20, columns - 4);
    const valueWidth = Math.max(8, inner - 2 - LABEL_WIDTH);
    // Rows besides the question's: border 2, title, gap, errors up to 3, answer, type, choices, gap, hint, help.
    const questionRows = Math.max(1, Math.min(4, rows - 13));
    const count = Object.keys(errors).length;

    const row = (f: FieldKey) => {
        const active = f === s.sel;
        const cursor = active ? <Text color={theme.accent}>▌</Text> : null;
        const lines =
            f === "family"
                ? null
                : f === "question"
                  ? tailLines(v.question + (active ? " " : ""), valueWidth, questionRows).map((l, i, all) => (active && i === all.length - 1 ? l.slice(0, -1) : l))
                  : [v[f]];
        return (
            <Box key={f} flexDirection="column">
                {(lines ?? [""]).map((line, i, all) => (
                    <Box key={i}>
                        <Text color={active ? theme.accent : undefined}>{active && i === 0 ? "› " : "  "}</Text>
                        <Box width={LABEL_WIDTH} flexShrink={0}>
                            <Text color={active ? theme.accent : errors[f] ? theme.bad : undefined} bold={active}>
                                {i === 0 ? LABELS[f] : ""}
                            </Text>
                        </Box>
                        <Box width={valueWidth} flexShrink={0}>
                            {lines === null ? (
                                <Text wrap="truncate-end">
                                    {FAMILIES.map((fam, k) => (
                                        <Text key={fam} inverse={fam === v.family && active} bold={fam === v.family} color={fam === v.family ? theme.accent : theme.muted}>
                                            {k ? "  " : ""}
                                            {fam === v.family ? `‹ ${fam} ›` : fam}
                                        </Text>
                                    ))}
                                </Text>
                            ) : (
                                // Single-line fields show their end: that is where typing goes.
                                <Text wrap={f === "question" ? "truncate-end" : "truncate-start"} bold={active}>
                                    {line}
                                    {i === all.length - 1 ? cursor : null}
                                </Text>
                            )}
                        </Box>
                    </Box>
                ))}
                {errors[f] ? (
                    <Text color={theme.bad} wrap="truncate-end">
                        {" ".repeat(2 + LABEL_WIDTH)}✗ {errors[f]}
                    </Text>
                ) : null}
            </Box>
        );
    };

    return (
        <Box flexDirection="column" width={columns}>
            <Box flexDirection="column" borderStyle="round" borderColor={count ? theme.bad : theme.accent} paddingX={1} width={columns}>
                <Text wrap="truncate-end">
                    <Text bold>your own question</Text>
                    <Text color={theme.muted}> · for a live run: answer, verdict, reflection, a second try</Text>
                </Text>
                <Text> </Text>
                {fields.map(row)}
                <Text> </Text>
                <Text color={count ? theme.bad : theme.muted} wrap="truncate-end">
                    {count ? `${count} thing${count === 1 ? "" : "s"} to fix before the run` : HINTS[s.sel]}
                </Text>
            </Box>
            <Text color={theme.muted} wrap="truncate-end">
                <Text color={theme.accent}>tab/↑↓</Text> field · <Text color={theme.accent}>←/→</Text> type · <Text color={theme.accent}>enter</Text> next, on the last: run · <Text color={theme.accent}>ctrl+s</Text> run · <Text color={theme.accent}>esc</Text> cancel
            </Text>
        </Box>
    );
}
