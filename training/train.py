#!/usr/bin/env python3
"""reflect-lab's trainer: the ReflectEvo paper's four settings on a curated folder (reflect-lab curate).

  one-stage  SFT on D+: reflect prompt -> reflection + correction            (paper setting 1)
  two-stage  SFT on D+: reflector (-> reflection), then corrector (-> answer) (paper setting 2)
  dpo-pref   DPO on D_pref (teacher-judged pairs), only the reflection        (paper setting 3)
  dpo-pm     DPO on D± (correct vs incorrect correction), only the reflection (paper setting 4)

Writes <out>/log.jsonl (one JSON event per line; contract in src/training/types.ts), checkpoints under
<out>/<stage>/checkpoints, the adapter as GGUF (<out>/<stage>/adapter.gguf) and <out>/result.json last.
Defaults are the paper's (App. B), from training/defaults.json, which the lab reads too; the lab passes every value explicitly.
"""
import argparse
import json
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from reflect_train import defaults  # noqa: E402
from reflect_train.events import EventLog  # noqa: E402
from reflect_train.paths import DEFAULT_MODEL  # noqa: E402

STAGES = {"one-stage": ["sft"], "two-stage": ["reflector", "corrector"], "dpo-pref": ["dpo"], "dpo-pm": ["dpo"]}


def parse(argv=None):
    p = argparse.ArgumentParser(prog="train.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--setting", required=True, choices=list(STAGES))
    p.add_argument("--data", required=True, help="curated folder (reflect-lab curate ... --out DIR)")
    p.add_argument("--out", required=True, help="training run folder")
    p.add_argument("--base", default=DEFAULT_MODEL, help="base model: a .gguf file (the lab's) or an HF model folder")
    D = defaults.DEFAULTS
    p.add_argument("--epochs", type=float, default=None, help=f"default {D['epochs']['sft']:g} (SFT) / {D['epochs']['dpo']:g} (DPO)")
    p.add_argument("--max-steps", type=int, default=-1, help="stop after N optimizer steps (-1: by epochs)")
    p.add_argument("--lr", type=float, default=None, help=f"default {D['lr']['lora']:g} (LoRA SFT), {D['lr']['full']:g} (full SFT), {D['lr']['dpo']:g} (DPO)")
    p.add_argument("--batch-size", type=int, default=D["batchSize"], help=f"per device ({D['batchSize']})")
    eff = D["effectiveBatch"]
    p.add_argument("--grad-accum", type=int, default=None, help=f"default: the paper's effective batch over batch-size ({eff['one-stage']} one-stage, {eff['two-stage']} two-stage, {eff['dpo-pref']} DPO)")
    p.add_argument("--lora-r", type=int, default=D["loraR"])
    p.add_argument("--lora-alpha", type=int, default=D["loraAlpha"])
    p.add_argument("--lora-dropout", type=float, default=D["loraDropout"])
    p.add_argument("--full", action="store_true", help="full fine-tuning instead of LoRA")
    p.add_argument("--load-in-4bit", choices=["auto", "on", "off"], default=D["loadIn4bit"]["lora"], help="4-bit base for LoRA (CUDA only; auto = where CUDA and bitsandbytes exist)")
    p.add_argument("--beta", type=float, default=D["beta"], help="DPO beta")
    p.add_argument("--max-length", type=int, default=D["maxLength"])
    p.add_argument("--seed", type=int, default=D["seed"])
    p.add_argument("--logging-steps", type=int, default=D["loggingSteps"])
    p.add_argument("--eval-steps", type=int, default=D["evalSteps"])
    p.add_argument("--save-steps", type=int, default=D["saveSteps"])
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: one per core)")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint in --out; finished stages are skipped")
    p.add_argument("--merge", action="store_true", help="also write the base with the adapter merged in, as GGUF")
    a = p.parse_args(argv)
    if a.epochs is None:
        a.epochs = defaults.epochs(a.setting)
    if a.lr is None:
        a.lr = defaults.lr(a.setting, a.full)
    if a.grad_accum is None:
        a.grad_accum = defaults.grad_accum(a.setting, a.batch_size)
    return a


def main(argv=None) -> int:
    a = parse(argv)
    os.makedirs(a.out, exist_ok=True)
    rank0 = int(os.environ.get("RANK", "0")) == 0
    events = EventLog(os.path.join(a.out, "log.jsonl"), rank0)
    try:
        result = run(a, events)
        events.emit("done", elapsed_s=events.elapsed(), result=result)
        return 0
    except KeyboardInterrupt:
        events.emit("error", message="interrupted")
        return 130
    except Exception as e:  # noqa: BLE001 - every failure must reach the log with its reason
        events.emit("error", message=f"{type(e).__name__}: {e}", traceback=traceback.format_exc())
        traceback.print_exc()
        return 1


def run(a, events) -> dict:
    import torch

    rank0 = int(os.environ.get("RANK", "0")) == 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if a.threads:
        torch.set_num_threads(a.threads)
    cuda = torch.cuda.is_available()
    from transformers import AutoTokenizer, set_seed

    from reflect_train import data, export
    from reflect_train.base import resolve_base
    from reflect_train.stage import run_stage

    set_seed(a.seed)
    stages = STAGES[a.setting]
    with open(os.path.join(a.out, "train-args.json"), "w", encoding="utf-8") as f:
        json.dump(vars(a), f, indent=2)
    base = resolve_base(a.base, log=lambda m: print(m, file=sys.stderr))
    events.emit("start", setting=a.setting, stages=stages, device="cuda" if cuda else "cpu", gpus=torch.cuda.device_count() if cuda else 0, base=base.file, data=os.path.abspath(a.data), time=_now(), resumed=a.resume)
    tok = AutoTokenizer.from_pretrained(base.hf_dir)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    if not tok.chat_template:
        raise RuntimeError(f"the base model {base.file} has no chat template; reflect-lab trains on the model's own template")

    roles = {}
    for i, stage in enumerate(stages, 1):
        stage_dir = os.path.join(a.out, stage)
        done_marker = os.path.join(stage_dir, "done.json")
        if a.resume and os.path.exists(done_marker):
            with open(done_marker, encoding="utf-8") as f:
                roles[stage] = json.load(f)
            events.emit("stage", stage=stage, index=i, of=len(stages), rows=0, eval_rows=0, skipped=True)
            continue
        if stage == "dpo":
            train_rows, eval_rows = data.split_files(a.data, data.PREF_FILES[a.setting], ("prompt", "chosen", "rejected"))
            train_ds, eval_ds = data.pref_dataset(train_rows), data.pref_dataset(eval_rows)
            dropped = 0
            kind = "dpo"
        else:
            train_rows, eval_rows = data.split_files(a.data, data.SFT_FILES[stage], ("messages",))
            train_ds, dropped = data.sft_dataset(train_rows, tok, a.max_length)
            eval_ds, _ = data.sft_dataset(eval_rows, tok, a.max_length)
            if train_ds is None:
                raise data.DataError(f"every training row of {data.SFT_FILES[stage]} is longer than --max-length {a.max_length}")
            kind = "sft"
        events.emit("stage", stage=stage, index=i, of=len(stages), rows=len(train_ds), eval_rows=len(eval_ds) if eval_ds is not None else 0, dropped_too_long=dropped)
        trainer, final = run_stage(kind, stage, train_ds, eval_ds, tok, base.hf_dir, a, events, stage_dir, cuda)
        role = {}
        if rank0:
            if a.full:
                tok.save_pretrained(final)
                role["model"] = export.model_to_gguf(final, os.path.join(stage_dir, "model.gguf"))
                events.emit("artifact", stage=stage, kind="model-gguf", path=role["model"])
            else:
                events.emit("artifact", stage=stage, kind="adapter", path=final)
                role["adapter"] = export.adapter_to_gguf(final, base.hf_dir, os.path.join(stage_dir, "adapter.gguf"))
                events.emit("artifact", stage=stage, kind="adapter-gguf", path=role["adapter"])
                if a.merge:
                    merged = export.merge_adapter(base.hf_dir, final, os.path.join(stage_dir, "merged"), tok)
                    role["merged"] = export.model_to_gguf(merged, os.path.join(stage_dir, "merged.gguf"))
                    events.emit("artifact", stage=stage, kind="merged-gguf", path=role["merged"])
            with open(done_marker, "w", encoding="utf-8") as f:
                json.dump(role, f)
        roles[stage] = role
        del trainer

    def pick(r):
        return {k: os.path.abspath(v) for k, v in r.items() if k in ("adapter", "model")}

    reflector = roles.get("reflector") or roles.get("sft") or roles.get("dpo")
    corrector = roles.get("corrector") or reflector
    result = {"setting": a.setting, "base": {"file": base.gguf or base.hf_dir, "sha256": base.sha256}, "reflector": pick(reflector), "corrector": pick(corrector)}
    if any("merged" in r for r in roles.values()):
        result["merged"] = {k: os.path.abspath(r["merged"]) for k, r in roles.items() if "merged" in r}
    if rank0:
        tmp = os.path.join(a.out, "result.json.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
        os.replace(tmp, os.path.join(a.out, "result.json"))
    return result


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat()


if __name__ == "__main__":
    sys.exit(main())
