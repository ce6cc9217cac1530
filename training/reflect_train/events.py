"""log.jsonl: one JSON object per line, flushed at once, so the lab can tail it (contract: src/training/types.ts)."""
import json
import os
import time


class EventLog:
    def __init__(self, path: str, main_process: bool = True):
        self.path = path
        self.main = main_process
        self.t0 = time.time()

    def emit(self, event: str, **fields):
        if not self.main:
            return
        row = {"event": event, **{k: v for k, v in fields.items() if v is not None}}
        line = json.dumps(row, ensure_ascii=False, allow_nan=False, default=str)
        # O_APPEND writes of one line are atomic enough for a single writer; fsync keeps lines across a crash.
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())

    def elapsed(self) -> float:
        return round(time.time() - self.t0, 3)
