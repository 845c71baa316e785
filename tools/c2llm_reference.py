"""Independent float64 reference for C2LLM: safetensors I/O, byte-level BPE, and the forward pass.

Written from ../shared/c2llm-spec.md with numpy only, sharing no code with the TypeScript engine,
so that the goldens it produces are a real check on the engine and on its tokenizer library.
"""
import json
import os
import struct
import unicodedata

import numpy as np
import regex

# ---------------------------------------------------------------- safetensors

DTYPE_BYTES = {"F32": 4, "F16": 2, "BF16": 2}


def to_bf16_bits(x):
    """Round float32 values to bfloat16 (round to nearest even); returns uint16 bit patterns."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def encode_tensor(x, dtype):
    if dtype == "F32":
        return np.ascontiguousarray(x, dtype="<f4").tobytes()
    if dtype == "F16":
        return np.ascontiguousarray(x, dtype="<f2").tobytes()
    if dtype == "BF16":
        return to_bf16_bits(x).astype("<u2").tobytes()
    raise ValueError(dtype)


def decode_tensor(raw, dtype, shape):
    if dtype == "F32":
        arr = np.frombuffer(raw, dtype="<f4")
    elif dtype == "F16":
        arr = np.frombuffer(raw, dtype="<f2")
    elif dtype == "BF16":
        arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
    else:
        raise ValueError(dtype)
    return arr.astype(np.float64).reshape(shape)


def write_safetensors(path, tensors, dtype):
    """tensors: dict name -> float array. All stored in `dtype`, in insertion order."""
    header, blobs, offset = {}, [], 0
    for name, arr in tensors.items():
        raw = encode_tensor(arr, dtype)
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"format": "pt"}
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for raw in blobs:
            f.write(raw)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        out[name] = decode_tensor(data[8 + n + a : 8 + n + b], info["dtype"], info["shape"])
    return out


def read_checkpoint(folder):
    """All tensors of a checkpoint folder: model.safetensors, or the shards its index names."""
    index = os.path.join(folder, "model.safetensors.index.json")
    if not os.path.exists(index):
        return read_safetensors(os.path.join(folder, "model.safetensors"))
    weights = {}
    for file in sorted(set(json.load(open(index))["weight_map"].values())):
        weights.update(read_safetensors(os.path.join(folder, file)))
    return weights


# ---------------------------------------------------------------- tokenizer


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable character table used by byte-level BPE."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


QWEN_SPLIT = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""


class ByteLevelBPE:
    """The subset of tokenizer.json that Qwen2 uses: NFC, one isolating regex split, byte-level, BPE."""

    def __init__(self, tokenizer_json):
        t = tokenizer_json
        self.vocab = t["model"]["vocab"]
        merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in t["model"]["merges"]]
        self.ranks = {m: i for i, m in enumerate(merges)}
        splits = [p for p in t["pre_tokenizer"]["pretokenizers"] if p["type"] == "Split"]
        self.split = regex.compile(splits[0]["pattern"]["Regex"])
        self.nfc = (t.get("normalizer") or {}).get("type") == "NFC"
        self.byte_chars = bytes_to_unicode()
        self.specials = [a["content"] for a in t["added_tokens"]]

    def _bpe(self, word):
        parts = list(word)
        while len(parts) > 1:
            pairs = [(self.ranks.get((a, b), 1 << 60), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
            rank, i = min(pairs)
            if rank == 1 << 60:
                break
            parts[i : i + 2] = [parts[i] + parts[i + 1]]
        return parts

    def encode(self, text):
        assert not any(s in text for s in self.specials), "reference tokenizer does not split special tokens"
        if self.nfc:
            text = unicodedata.normalize("NFC", text)
        ids = []
        for piece in self.split.findall(text):
            mapped = "".join(self.byte_chars[b] for b in piece.encode("utf-8"))
            ids.extend(self.vocab[p] for p in self._bpe(mapped))
        return ids


def learn_merges(corpus, count):
    """A tiny BPE trainer: the `count` most frequent adjacent pairs, merged greedily, over pre-split pieces."""
    chars = bytes_to_unicode()
    split = regex.compile(QWEN_SPLIT)
    words = {}
    for piece in split.findall(corpus):
        w = tuple(chars[b] for b in piece.encode("utf-8"))
        words[w] = words.get(w, 0) + 1
    merges = []
    for _ in range(count):
        pairs = {}
        for w, c in words.items():
            for p in zip(w, w[1:]):
                pairs[p] = pairs.get(p, 0) + c
        if not pairs:
            break
        best = max(sorted(pairs), key=lambda p: pairs[p])
        merges.append(best)
        merged = {}
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + c
        words = merged
    return merges


def small_tokenizer_json(corpus, merge_count):
    """A Qwen-shaped tokenizer.json with a 256-byte base vocabulary plus merges learned from `corpus`."""
    chars = bytes_to_unicode()
    vocab = {chars[b]: i for i, b in enumerate(sorted(chars))}
    merges = learn_merges(corpus, merge_count)
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    eos = len(vocab)
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": eos, "content": "<|endoftext|>", "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
        ],
        "normalizer": {"type": "NFC"},
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": QWEN_SPLIT}, "behavior": "Isolated", "invert": False},
                byte_level,
            ],
        },
        "post_processor": byte_level,
        "decoder": byte_level,
        "model": {
            "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "", "end_of_word_suffix": "",
            "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
            "vocab": vocab, "merges": [[a, b] for a, b in merges],
        },
    }
    tokenizer_config = {
        "add_bos_token": False, "add_prefix_space": False, "bos_token": None, "eos_token": "<|endoftext|>",
        "pad_token": "<|endoftext|>", "model_max_length": 32768, "tokenizer_class": "Qwen2Tokenizer",
        "padding_side": "left", "errors": "replace", "clean_up_tokenization_spaces": False,
    }
    return tokenizer, tokenizer_config, eos


# ---------------------------------------------------------------- model


def rms_norm(x, w, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


def layer_norm(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def rope(x, theta):
    """x: (T, heads, hd). Rotate-half RoPE at positions 0..T-1."""
    t, _, hd = x.shape
    inv_freq = theta ** (-np.arange(0, hd, 2, dtype=np.float64) / hd)
    angles = np.arange(t, dtype=np.float64)[:, None] * inv_freq[None, :]
    cos = np.cos(np.concatenate([angles, angles], -1))[:, None, :]
    sin = np.sin(np.concatenate([angles, angles], -1))[:, None, :]
    half = hd // 2
    rotated = np.concatenate([-x[..., half:], x[..., :half]], -1)
    return x * cos + rotated * sin


def silu(x):
    return x / (1.0 + np.exp(-x))


def embed(cfg, w, ids):
    """One sequence of token ids -> its L2-normalised C2LLM embedding (float64)."""
    hidden, nh, nkv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = cfg.get("head_dim") or hidden // nh
    eps, theta = cfg["rms_norm_eps"], cfg["rope_theta"]
    p = "plm_model.model."
    h = w[p + "embed_tokens.weight"][np.asarray(ids, dtype=np.int64)].reshape(len(ids), hidden)
    t = len(ids)
    if t == 0:
        return pma(cfg, w, h)  # an empty text: PMA over no keys
    causal = np.tril(np.ones((t, t), dtype=bool))
    for i in range(cfg["num_hidden_layers"]):
        L = f"{p}layers.{i}."
        x = rms_norm(h, w[L + "input_layernorm.weight"], eps)
        q = (x @ w[L + "self_attn.q_proj.weight"].T + w[L + "self_attn.q_proj.bias"]).reshape(t, nh, hd)
        k = (x @ w[L + "self_attn.k_proj.weight"].T + w[L + "self_attn.k_proj.bias"]).reshape(t, nkv, hd)
        v = (x @ w[L + "self_attn.v_proj.weight"].T + w[L + "self_attn.v_proj.bias"]).reshape(t, nkv, hd)
        q, k = rope(q, theta), rope(k, theta)
        group = nh // nkv
        out = np.zeros((t, nh, hd))
        for head in range(nh):
            kh, vh = k[:, head // group], v[:, head // group]
            s = q[:, head] @ kh.T / np.sqrt(hd)
            s = np.where(causal, s, -np.inf)
            s = np.exp(s - s.max(-1, keepdims=True))
            out[:, head] = (s / s.sum(-1, keepdims=True)) @ vh
        h = h + out.reshape(t, nh * hd) @ w[L + "self_attn.o_proj.weight"].T
        x = rms_norm(h, w[L + "post_attention_layernorm.weight"], eps)
        gate = x @ w[L + "mlp.gate_proj.weight"].T
        up = x @ w[L + "mlp.up_proj.weight"].T
        h = h + (silu(gate) * up) @ w[L + "mlp.down_proj.weight"].T
    h = rms_norm(h, w[p + "norm.weight"], eps)
    return pma(cfg, w, h)


def pma(cfg, w, h):
    d, heads = cfg["compressed_dim"], cfg["pma_num_heads"]
    m = "mha_pma.mab."
    seed = w["mha_pma.S"].reshape(d)
    q = seed @ w[m + "fc_q.weight"].T + w[m + "fc_q.bias"]
    attn = np.zeros(d)
    if len(h):
        k = h @ w[m + "fc_k.weight"].T + w[m + "fc_k.bias"]
        v = h @ w[m + "fc_v.weight"].T + w[m + "fc_v.bias"]
        dh = d // heads
        for head in range(heads):
            cols = slice(head * dh, (head + 1) * dh)
            s = k[:, cols] @ q[cols] / np.sqrt(d)
            s = np.exp(s - s.max())
            attn[cols] = (s / s.sum()) @ v[:, cols]
    o = layer_norm(seed + attn, w[m + "ln0.weight"], w[m + "ln0.bias"])
    o = o + np.maximum(o @ w[m + "fc_o.weight"].T + w[m + "fc_o.bias"], 0.0)
    o = layer_norm(o, w[m + "ln1.weight"], w[m + "ln1.bias"])
    return o / np.linalg.norm(o)
