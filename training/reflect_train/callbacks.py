"""A TrainerCallback that appends one log.jsonl line per logging step (LLaMA-Factory style), for the lab to tail."""
import math
import time

from transformers import TrainerCallback


def _finite(x):
    return x if isinstance(x, (int, float)) and math.isfinite(x) else None


class JsonlLogCallback(TrainerCallback):
    def __init__(self, events, stage: str):
        self.events = events
        self.stage = stage
        self.t0 = None
        self.step0 = 0

    def on_train_begin(self, args, state, control, **kw):
        self.t0 = time.time()
        # On resume the rate counts only the steps of this process.
        self.step0 = state.global_step

    def on_log(self, args, state, control, logs=None, **kw):
        if not state.is_world_process_zero or not logs:
            return
        if not any(k in logs for k in ("loss", "eval_loss", "rewards/margins", "eval_rewards/margins")):
            return  # the end-of-training summary (train_runtime, ...) is not a point of the curve
        elapsed = time.time() - (self.t0 or time.time())
        done = state.global_step - self.step0
        remaining = (elapsed / done) * (state.max_steps - state.global_step) if done > 0 else None
        tokens = getattr(state, "num_input_tokens_seen", 0) or 0
        margin = logs.get("rewards/margins", logs.get("eval_rewards/margins"))
        self.events.emit(
            "log",
            stage=self.stage,
            step=state.global_step,
            total_steps=state.max_steps,
            loss=_finite(logs.get("loss")),
            eval_loss=_finite(logs.get("eval_loss")),
            rewards_margin=_finite(margin),
            learning_rate=_finite(logs.get("learning_rate")),
            epoch=_finite(round(state.epoch, 4) if state.epoch is not None else None),
            elapsed_s=round(elapsed, 2),
            remaining_s=round(remaining, 1) if remaining is not None else None,
            tokens_per_s=round(tokens / elapsed, 1) if tokens and elapsed > 0 else None,
        )

    def on_save(self, args, state, control, **kw):
        if state.is_world_process_zero:
            self.events.emit("checkpoint", stage=self.stage, step=state.global_step, path=f"{args.output_dir}/checkpoint-{state.global_step}")
