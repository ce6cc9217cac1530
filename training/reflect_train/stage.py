"""One trainer run: SFT (TRL SFTTrainer on pre-masked rows) or DPO (TRL DPOTrainer), LoRA or full, resumable."""
import glob
import os
import re

import torch

from .callbacks import JsonlLogCallback

LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def last_checkpoint(ckpt_dir: str) -> str | None:
    found = [(int(m.group(1)), p) for p in glob.glob(os.path.join(ckpt_dir, "checkpoint-*")) if (m := re.search(r"checkpoint-(\d+)$", p))]
    return max(found)[1] if found else None


def use_4bit(a, cuda: bool) -> bool:
    if a.load_in_4bit == "off" or not cuda:
        if a.load_in_4bit == "on" and not cuda:
            raise RuntimeError("--load-in-4bit on needs CUDA (bitsandbytes 4-bit kernels); use auto or off on CPU")
        return False
    if a.full:
        return False
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        if a.load_in_4bit == "on":
            raise RuntimeError("--load-in-4bit on: bitsandbytes is not installed (npm run setup:training installs it where CUDA exists)")
        return False
    return True


def load_model(base_dir: str, a, cuda: bool, quant4: bool):
    from transformers import AutoModelForCausalLM

    kwargs = {}
    if quant4:
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16)
        kwargs["device_map"] = {"": int(os.environ.get("LOCAL_RANK", 0))}
    dtype = torch.bfloat16 if cuda and torch.cuda.is_bf16_supported() else torch.float32
    return AutoModelForCausalLM.from_pretrained(base_dir, dtype=dtype, **kwargs)


def lora_config(a):
    from peft import LoraConfig

    return LoraConfig(r=a.lora_r, lora_alpha=a.lora_alpha, lora_dropout=a.lora_dropout, target_modules=LORA_TARGETS, task_type="CAUSAL_LM")


def common_args(a, out_dir: str, has_eval: bool, cuda: bool) -> dict:
    return dict(
        output_dir=out_dir,
        num_train_epochs=a.epochs,
        max_steps=a.max_steps,
        learning_rate=a.lr,
        per_device_train_batch_size=a.batch_size,
        per_device_eval_batch_size=a.batch_size,
        gradient_accumulation_steps=a.grad_accum,
        logging_steps=a.logging_steps,
        logging_first_step=True,
        eval_strategy="steps" if has_eval else "no",
        eval_steps=a.eval_steps if has_eval else None,
        save_strategy="steps",
        save_steps=a.save_steps,
        save_total_limit=2,
        seed=a.seed,
        data_seed=a.seed,
        report_to="none",
        disable_tqdm=True,
        bf16=bool(cuda and torch.cuda.is_bf16_supported()),
        use_cpu=not cuda,
        include_num_input_tokens_seen="non_padding",
        dataloader_num_workers=0,
        max_length=a.max_length,
    )


def run_stage(kind: str, stage: str, train_ds, eval_ds, tok, base_dir: str, a, events, out_dir: str, cuda: bool):
    """kind "sft": TRL SFTTrainer on pre-masked rows; kind "dpo": TRL DPOTrainer on preference rows."""
    from trl import DPOConfig, DPOTrainer, SFTConfig, SFTTrainer

    quant4 = use_4bit(a, cuda)
    model = load_model(base_dir, a, cuda, quant4)
    if quant4:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model)
    args = common_args(a, os.path.join(out_dir, "checkpoints"), eval_ds is not None, cuda)
    if kind == "sft":
        trainer_cls, cfg, extra = SFTTrainer, SFTConfig(**args, completion_only_loss=True, packing=False), {}
    else:
        # With LoRA the reference model is the base itself (adapters disabled), so no second copy is held.
        trainer_cls, cfg, extra = DPOTrainer, DPOConfig(**args, beta=a.beta), {"ref_model": None}
    trainer = trainer_cls(
        model=model,
        args=cfg,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=tok,
        peft_config=None if a.full else lora_config(a),
        callbacks=[JsonlLogCallback(events, stage)],
        **extra,
    )
    return _train(trainer, a, out_dir)


def _train(trainer, a, out_dir: str):
    resume = last_checkpoint(os.path.join(out_dir, "checkpoints")) if a.resume else None
    trainer.train(resume_from_checkpoint=resume)
    final = os.path.join(out_dir, "model" if a.full else "adapter")
    trainer.save_model(final)
    return trainer, final
