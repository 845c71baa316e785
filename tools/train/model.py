"""C2LLM at small size, in PyTorch, for training: a Qwen2 backbone and the PMA head of ../shared/c2llm-spec.md.

Parameter names follow the C2LLM checkpoint layout (plm_model.model.…, mha_pma.…), so export writes the
state dict as it is. `pooling` chooses the head for the pooling ablation: "pma" (C2LLM), "mean" over the
tokens, or "eos" (the hidden state of an appended <|endoftext|>, last-token pooling). Batches are
right-padded: with causal attention the real tokens never see the pads, and positions start at 0.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

PMA_LAYER_NORM_EPS = 1e-5


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        x32 = x.float()
        return (self.weight * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps))).to(x.dtype)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h, self.heads, self.kv_heads = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
        self.head_dim = h // self.heads
        self.q_proj = nn.Linear(h, self.heads * self.head_dim, bias=True)
        self.k_proj = nn.Linear(h, self.kv_heads * self.head_dim, bias=True)
        self.v_proj = nn.Linear(h, self.kv_heads * self.head_dim, bias=True)
        self.o_proj = nn.Linear(self.heads * self.head_dim, h, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        group = self.heads // self.kv_heads
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(self.head_dim) + mask
        out = scores.softmax(-1).to(v.dtype) @ v
        return self.o_proj(out.transpose(1, 2).reshape(b, t, -1))


def rope(x, cos, sin):
    half = x.shape[-1] // 2
    return x * cos + torch.cat([-x[..., half:], x[..., :half]], -1) * sin


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h, i = cfg["hidden_size"], cfg["intermediate_size"]
        self.gate_proj = nn.Linear(h, i, bias=False)
        self.up_proj = nn.Linear(h, i, bias=False)
        self.down_proj = nn.Linear(i, h, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg["hidden_size"], cfg["rms_norm_eps"])
        self.self_attn = Attention(cfg)
        self.post_attention_layernorm = RMSNorm(cfg["hidden_size"], cfg["rms_norm_eps"])
        self.mlp = MLP(cfg)

    def forward(self, h, cos, sin, mask):
        h = h + self.self_attn(self.input_layernorm(h), cos, sin, mask)
        return h + self.mlp(self.post_attention_layernorm(h))


class Backbone(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg["vocab_size"], cfg["hidden_size"])
        self.layers = nn.ModuleList(Layer(cfg) for _ in range(cfg["num_hidden_layers"]))
        self.norm = RMSNorm(cfg["hidden_size"], cfg["rms_norm_eps"])
        head_dim = cfg["hidden_size"] // cfg["num_attention_heads"]
        inv_freq = cfg["rope_theta"] ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
        self.register_buffer("inv_freq", inv_freq.float(), persistent=False)

    def forward(self, ids):
        t = ids.shape[1]
        angles = torch.arange(t, dtype=torch.float32, device=ids.device)[:, None] * self.inv_freq[None, :]
        angles = torch.cat([angles, angles], -1)
        cos, sin = angles.cos(), angles.sin()
        mask = torch.full((t, t), float("-inf"), device=ids.device).triu(1)
        h = self.embed_tokens(ids)
        for layer in self.layers:
            h = layer(h, cos, sin, mask)
        return self.norm(h)


class PlmModel(nn.Module):
    """Holds the backbone as `model`, so that names read plm_model.model.… as in C2LLM's checkpoints."""

    def __init__(self, cfg):
        super().__init__()
        self.model = Backbone(cfg)


class MAB(nn.Module):
    def __init__(self, hidden, d):
        super().__init__()
        self.fc_q, self.fc_k, self.fc_v, self.fc_o = nn.Linear(d, d), nn.Linear(hidden, d), nn.Linear(hidden, d), nn.Linear(d, d)
        self.ln0, self.ln1 = nn.LayerNorm(d, eps=PMA_LAYER_NORM_EPS), nn.LayerNorm(d, eps=PMA_LAYER_NORM_EPS)


class PMA(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["compressed_dim"]
        self.heads = cfg["pma_num_heads"]
        self.S = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        self.mab = MAB(cfg["hidden_size"], d)

    def forward(self, h, keep):
        b, t, _ = h.shape
        d = self.S.shape[-1]
        dh = d // self.heads
        seed = self.S.expand(b, 1, d)
        q = self.mab.fc_q(seed).view(b, 1, self.heads, dh).transpose(1, 2)
        k = self.mab.fc_k(h).view(b, t, self.heads, dh).transpose(1, 2)
        v = self.mab.fc_v(h).view(b, t, self.heads, dh).transpose(1, 2)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(d)
        scores = scores.masked_fill(~keep[:, None, None, :], float("-inf"))
        pooled = (scores.softmax(-1).to(v.dtype) @ v).transpose(1, 2).reshape(b, 1, d)
        o = self.mab.ln0(seed + pooled)
        o = o + torch.relu(self.mab.fc_o(o))
        return self.mab.ln1(o)[:, 0]


class C2LLM(nn.Module):
    def __init__(self, cfg, pooling="pma"):
        super().__init__()
        self.cfg, self.pooling = cfg, pooling
        self.plm_model = PlmModel(cfg)
        if pooling == "pma":
            self.mha_pma = PMA(cfg)
        self.apply(self._init)

    @staticmethod
    def _init(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
            if getattr(module, "bias", None) is not None:
                nn.init.zeros_(module.bias)

    def forward(self, ids, lengths):
        """ids [B, T] right-padded, lengths [B] -> L2-normalised embeddings [B, d] (float32)."""
        h = self.plm_model.model(ids)
        keep = torch.arange(ids.shape[1], device=ids.device)[None, :] < lengths[:, None]
        if self.pooling == "pma":
            e = self.mha_pma(h, keep)
        elif self.pooling == "mean":
            e = (h * keep[..., None]).sum(1) / lengths[:, None]
        else:
            e = h[torch.arange(ids.shape[0], device=ids.device), lengths - 1]
        return F.normalize(e.float(), dim=-1)
