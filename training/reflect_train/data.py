"""Curated rows (src/curate/types.ts) into trainer datasets.

SFT rows are tokenized here, with the model's own chat template, so that only the trained assistant
turns (the last `train_on_last` of them: reflection and/or correction) carry the loss; the failed
turn-1 attempt and every prompt are context. The rendering is the one the lab uses at evaluation
(node-llama-cpp with the same Jinja template), so training inputs and evaluation inputs are the same tokens.
"""
import json
import os

SFT_FILES = {"sft": "sft.one-stage", "reflector": "sft.reflector", "corrector": "sft.corrector"}
PREF_FILES = {"dpo-pm": "pref.dpm", "dpo-pref": "pref.dpref"}


class DataError(ValueError):
    pass


def read_jsonl(path: str, required: tuple[str, ...]) -> list[dict]:
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise DataError(f"{path}:{n}: not JSON ({e.msg})") from None
            for field in required:
                if field not in row:
                    raise DataError(f"{path}:{n}: missing field '{field}'")
            row["_where"] = f"{path}:{n}"
            rows.append(row)
    return rows


def split_files(data_dir: str, name: str, required: tuple[str, ...]) -> tuple[list[dict], list[dict]]:
    train_path = os.path.join(data_dir, f"{name}.train.jsonl")
    if not os.path.exists(train_path):
        raise DataError(f"{train_path}: not found (curate a run first: reflect-lab curate <run> --out {data_dir})")
    train = read_jsonl(train_path, required)
    if not train:
        raise DataError(f"{train_path}: no rows to train on")
    return train, read_jsonl(os.path.join(data_dir, f"{name}.eval.jsonl"), required)


def _render(tok, messages, generation_prompt: bool) -> list[int]:
    text = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt)
    return tok(text, add_special_tokens=False)["input_ids"]


def tokenize_sft(row: dict, tok) -> dict:
    """input_ids plus completion_mask (1 on the trained assistant turns, their end-of-turn token included)."""
    messages = [{"role": m["role"], "content": m["content"]} for m in row["messages"]]
    last = int(row.get("train_on_last", 1))
    assistant = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
    if messages[-1]["role"] != "assistant" or last < 1 or last > len(assistant):
        raise DataError(f"{row['_where']}: field 'messages' must end with the trained assistant turn(s) (train_on_last {last}, {len(assistant)} assistant messages)")
    ids = _render(tok, messages, False)
    mask = [0] * len(ids)
    for i in assistant[-last:]:
        start = len(_render(tok, messages[:i], True))
        end = len(_render(tok, messages[: i + 1], False))
        prefix = _render(tok, messages[: i + 1], False)
        if ids[:end] != prefix:
            raise DataError(f"{row['_where']}: the chat template does not render conversations prefix-consistently; cannot mask turns")
        for j in range(start, end):
            mask[j] = 1
    return {"input_ids": ids, "completion_mask": mask}


def sft_dataset(rows: list[dict], tok, max_length: int):
    """Tokenized rows; rows longer than max_length are dropped (truncating would cut the trained target)."""
    from datasets import Dataset

    out, dropped = [], 0
    for row in rows:
        t = tokenize_sft(row, tok)
        if len(t["input_ids"]) > max_length:
            dropped += 1
            continue
        out.append(t)
    return (Dataset.from_list(out) if out else None), dropped


def pref_dataset(rows: list[dict]):
    """TRL conversational preference rows: prompt messages, chosen/rejected = the reflection only."""
    from datasets import Dataset

    def clean(ms):
        return [{"role": m["role"], "content": m["content"]} for m in ms]

    items = [{"prompt": clean(r["prompt"]), "chosen": clean(r["chosen"]), "rejected": clean(r["rejected"])} for r in rows]
    return Dataset.from_list(items) if items else None
