"""Trained weights back into the lab: GGUF files made by the llama.cpp converters of node-llama-cpp's release."""
import os
import subprocess
import sys

from .paths import llama_cpp_source


def _convert(script: str, args: list[str]) -> None:
    src = llama_cpp_source()
    env = {**os.environ, "PYTHONPATH": os.path.join(src, "gguf-py") + os.pathsep + os.environ.get("PYTHONPATH", ""), "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, os.path.join(src, script), *args]
    done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stderr.write(done.stdout[-4000:])
    if done.returncode != 0:
        tail = "\n".join(done.stdout.strip().splitlines()[-5:])
        raise RuntimeError(f"{script} failed (exit {done.returncode}):\n{tail}")


def adapter_to_gguf(adapter_dir: str, base_hf_dir: str, out_file: str) -> str:
    """PEFT LoRA -> GGUF LoRA; node-llama-cpp puts it on the base GGUF at load time."""
    _convert("convert_lora_to_gguf.py", [adapter_dir, "--base", base_hf_dir, "--outfile", out_file, "--outtype", "f32"])
    return out_file


def model_to_gguf(hf_dir: str, out_file: str, outtype: str = "q8_0") -> str:
    """A whole HF model folder (full fine-tuning or merged LoRA) -> GGUF."""
    _convert("convert_hf_to_gguf.py", [hf_dir, "--outfile", out_file, "--outtype", outtype])
    return out_file


def merge_adapter(base_hf_dir: str, adapter_dir: str, out_dir: str, tokenizer) -> str:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(base_hf_dir, dtype=torch.float32)
    merged = PeftModel.from_pretrained(base, adapter_dir).merge_and_unload()
    merged.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir
