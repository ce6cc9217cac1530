"""Trainer defaults from training/defaults.json, the file the lab reads too (src/training/defaults.ts says why each value)."""
import json
import math
import os

FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "defaults.json")


def _load(path: str = FILE) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit(f"cannot read the training defaults {path}: {e}; it ships with reflect-lab (restore it with git checkout -- training/defaults.json)")


DEFAULTS = _load()


def is_dpo(setting: str) -> bool:
    return setting in ("dpo-pref", "dpo-pm")


def epochs(setting: str) -> float:
    return float(DEFAULTS["epochs"]["dpo" if is_dpo(setting) else "sft"])


def lr(setting: str, full: bool) -> float:
    return float(DEFAULTS["lr"]["dpo" if is_dpo(setting) else ("full" if full else "lora")])


def grad_accum(setting: str, batch_size: int, processes: int = 1) -> int:
    # floor(x + 0.5) is JavaScript's Math.round: Python's round() would halve to even and differ from the lab.
    return max(1, math.floor(DEFAULTS["effectiveBatch"][setting] / (batch_size * max(1, processes)) + 0.5))
