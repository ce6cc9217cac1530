"""The base model for training: the GGUF the lab uses (read by transformers) or an HF model folder.

A GGUF is dequantized once into an HF folder in the user cache, keyed by the file's sha256: training,
the LoRA converter (which needs the base's config.json offline) and merging all read that folder.
"""
import hashlib
import json
import os
import shutil

from .paths import cache_root


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class BaseModel:
    def __init__(self, given: str, hf_dir: str, gguf: str | None, sha256: str):
        self.given = given
        self.hf_dir = hf_dir
        self.gguf = gguf
        self.sha256 = sha256

    @property
    def file(self) -> str:
        return os.path.basename(self.gguf or self.hf_dir.rstrip("/"))


def resolve_base(given: str, log=print) -> BaseModel:
    if given.startswith("hf:"):
        raise ValueError(f"--base {given}: training needs a local file; download it first (the lab's --model hf:... does) and pass the .gguf path")
    path = os.path.abspath(given)
    if os.path.isdir(path):
        if not os.path.exists(os.path.join(path, "config.json")):
            raise ValueError(f"--base {given}: a folder must be an HF model folder with config.json")
        cfg = os.path.join(path, "config.json")
        return BaseModel(given, path, None, sha256_of(cfg))
    if not os.path.exists(path):
        raise ValueError(f"--base {given}: no such file")
    if not path.endswith(".gguf"):
        raise ValueError(f"--base {given}: expected a .gguf file or an HF model folder")
    sha = sha256_of(path)
    dest = os.path.join(cache_root(), "hf-base", f"{os.path.basename(path)[:-5]}-{sha[:12]}")
    if not os.path.exists(os.path.join(dest, ".complete")):
        log(f"dequantizing {os.path.basename(path)} into {dest} (once per file)")
        _materialize(path, dest)
    return BaseModel(given, dest, path, sha)


def _materialize(gguf: str, dest: str) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, name = os.path.dirname(gguf), os.path.basename(gguf)
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    # Loaded weights are plain float tensors; drop the GGUF "quantization" marker so the folder loads
    # (and converts) as an ordinary model.
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.config.architectures = [type(model).__name__]
    tmp = dest + f".tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    with open(os.path.join(tmp, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    cfg.pop("quantization_config", None)
    with open(os.path.join(tmp, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(tmp, ".complete"), "w") as f:
        f.write(gguf + "\n")
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    os.rename(tmp, dest)
