#!/usr/bin/python3
"""Exports a C2LLM checkpoint to ONNX with PyTorch's exporter (torch.onnx.export): the benchmark's baseline.

    tools/export_onnx.py CHECKPOINT_DIR [OUT.onnx]      (default OUT: CHECKPOINT_DIR/torch-export.onnx)

Needs Debian's python3-torch (and python3-numpy, python3-regex for the reference's safetensors reader).
The model is written the way a PyTorch user would write it, from ../shared/c2llm-spec.md (eager attention
with the causal mask, rotate-half RoPE computed in the graph, HF's repeat_kv for grouped heads, the PMA
head), in float32 with the stored weights widened exactly. The embedding table stays outside the graph,
as `inputs_embeds` does in transformers:

    input:  hidden [T, hidden_size]   the token embeddings of one sequence
    output: embedding [1, compressed_dim], L2-normalised
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import c2llm_reference as ref  # noqa: E402

PMA_LAYER_NORM_EPS = 1e-5


class C2LLMEmbedding(torch.nn.Module):
    def __init__(self, cfg, weights):
        super().__init__()
        self.hidden = cfg["hidden_size"]
        self.heads, self.kv_heads = cfg["num_attention_heads"], cfg["num_key_value_heads"]
        self.head_dim = cfg.get("head_dim") or self.hidden // self.heads
        self.layers = cfg["num_hidden_layers"]
        self.eps = cfg["rms_norm_eps"]
        self.compressed, self.pma_heads = cfg["compressed_dim"], cfg["pma_num_heads"]
        inv_freq = cfg["rope_theta"] ** (-torch.arange(0, self.head_dim, 2, dtype=torch.float64) / self.head_dim)
        self.register_buffer("inv_freq", inv_freq.float())
        for name, values in weights.items():
            if name != "plm_model.model.embed_tokens.weight":
                self.register_buffer(name.replace(".", "__"), torch.from_numpy(values).float())

    def w(self, name):
        return getattr(self, name.replace(".", "__"))

    def rms_norm(self, x, name):
        return self.w(name) * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))

    def linear(self, x, name, bias=False):
        return F.linear(x, self.w(name + ".weight"), self.w(name + ".bias") if bias else None)

    def rope(self, x, cos, sin):
        half = self.head_dim // 2
        rotated = torch.cat([-x[..., half:], x[..., :half]], -1)
        return x * cos + rotated * sin

    def forward(self, hidden):
        t = hidden.shape[0]
        nh, nkv, hd = self.heads, self.kv_heads, self.head_dim
        positions = torch.arange(t, dtype=torch.float32, device=hidden.device)
        angles = positions[:, None] * self.inv_freq[None, :]
        angles = torch.cat([angles, angles], -1)[None]  # [1, T, hd]
        cos, sin = angles.cos(), angles.sin()
        future = positions[None, :] > positions[:, None]  # [T, T], True above the diagonal
        h = hidden
        for i in range(self.layers):
            p = f"plm_model.model.layers.{i}."
            x = self.rms_norm(h, p + "input_layernorm.weight")
            q = self.linear(x, p + "self_attn.q_proj", bias=True).view(t, nh, hd).transpose(0, 1)
            k = self.linear(x, p + "self_attn.k_proj", bias=True).view(t, nkv, hd).transpose(0, 1)
            v = self.linear(x, p + "self_attn.v_proj", bias=True).view(t, nkv, hd).transpose(0, 1)
            q, k = self.rope(q, cos, sin), self.rope(k, cos, sin)
            k = k[:, None].expand(nkv, nh // nkv, t, hd).reshape(nh, t, hd)
            v = v[:, None].expand(nkv, nh // nkv, t, hd).reshape(nh, t, hd)
            scores = (q @ k.transpose(1, 2)) / math.sqrt(hd)
            scores = scores.masked_fill(future, float("-inf"))
            attended = (scores.softmax(-1) @ v).transpose(0, 1).reshape(t, nh * hd)
            h = h + self.linear(attended, p + "self_attn.o_proj")
            x = self.rms_norm(h, p + "post_attention_layernorm.weight")
            gate, up = self.linear(x, p + "mlp.gate_proj"), self.linear(x, p + "mlp.up_proj")
            h = h + self.linear(F.silu(gate) * up, p + "mlp.down_proj")
        return self.pma(self.rms_norm(h, "plm_model.model.norm.weight"))

    def pma(self, h):
        d, heads = self.compressed, self.pma_heads
        m = "mha_pma.mab."
        seed = self.w("mha_pma.S").reshape(1, d)
        q = self.linear(seed, m + "fc_q", bias=True).view(heads, 1, d // heads)
        k = self.linear(h, m + "fc_k", bias=True).view(-1, heads, d // heads).transpose(0, 1)
        v = self.linear(h, m + "fc_v", bias=True).view(-1, heads, d // heads).transpose(0, 1)
        weights = ((q @ k.transpose(1, 2)) / math.sqrt(d)).softmax(-1)
        pooled = (weights @ v).transpose(0, 1).reshape(1, d)
        o = F.layer_norm(seed + pooled, (d,), self.w(m + "ln0.weight"), self.w(m + "ln0.bias"), PMA_LAYER_NORM_EPS)
        o = o + torch.relu(self.linear(o, m + "fc_o", bias=True))
        o = F.layer_norm(o, (d,), self.w(m + "ln1.weight"), self.w(m + "ln1.bias"), PMA_LAYER_NORM_EPS)
        return F.normalize(o, dim=-1)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    folder = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) == 3 else os.path.join(folder, "torch-export.onnx")
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    model = C2LLMEmbedding(cfg, ref.read_checkpoint(folder)).eval()
    example = torch.zeros(5, cfg["hidden_size"])
    with torch.no_grad():
        torch.onnx.export(
            model, (example,), out, input_names=["hidden"], output_names=["embedding"],
            dynamic_axes={"hidden": {0: "T"}}, opset_version=17, do_constant_folding=True,
        )
    print(f"{out}: torch {torch.__version__} torch.onnx.export, opset 17")


if __name__ == "__main__":
    main()
