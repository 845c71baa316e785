"""Growing a trained checkpoint: deeper (more layers) or with a wider vocabulary, computing the same function.

Deeper: the added layers are copies of the last stored layer placed after it, with their two output projections
(attention's o_proj and the MLP's down_proj) zeroed: each added block then adds nothing to the residual
stream, so the deeper model starts exactly where the stored one ended and training decides what the new
blocks do (the copies' other weights start from a trained layer rather than from noise).

Wider vocabulary: a tokenizer pruned with `prune_tokenizer.py --keep` holds every token of the stored one,
renumbered, and more. Each stored token keeps its row of the embedding table; an added token starts as the
mean of the rows of the stored tokens that Qwen's merges build it from (` route` from ` r`, `out` and `e`),
so that it means at first what its pieces meant together.
"""
import re

import numpy as np

LAYER = re.compile(r"^plm_model\.model\.layers\.(\d+)\.")
ZEROED = (".self_attn.o_proj.weight", ".mlp.down_proj.weight")
EMBEDDINGS = "plm_model.model.embed_tokens.weight"


def stored_layers(state):
    return 1 + max((int(m.group(1)) for m in map(LAYER.match, state) if m), default=-1)


def grown(state, layers):
    """`state` (name -> array) with layers added after its last until it has `layers`."""
    have = stored_layers(state)
    if layers < have:
        raise SystemExit(f"the checkpoint has {have} layers; it cannot be grown to {layers}")
    out = dict(state)
    last = f"plm_model.model.layers.{have - 1}."
    for name, values in state.items():
        if not name.startswith(last):
            continue
        suffix = name[len(last) - 1:]
        for added in range(have, layers):
            out[f"plm_model.model.layers.{added}{suffix}"] = values * 0 if suffix in ZEROED else values.copy()
    return out


def token_ids(tokenizer):
    """A parsed tokenizer.json's token -> id, its added tokens (<|endoftext|>) included."""
    ids = dict(tokenizer["model"]["vocab"])
    ids.update({t["content"]: t["id"] for t in tokenizer["added_tokens"]})
    return ids


def widened(state, stored_tokenizer, tokenizer):
    """`state`, whose embedding rows follow `stored_tokenizer` (a parsed tokenizer.json), with rows for `tokenizer`'s."""
    stored, wanted = token_ids(stored_tokenizer), token_ids(tokenizer)
    lost = sorted(stored.keys() - wanted.keys())
    if lost:
        raise SystemExit(f"the new vocabulary lacks {len(lost)} of the checkpoint's tokens ({lost[:3]}): prune it with --keep")
    parents = {}
    for merge in tokenizer["model"]["merges"]:
        a, b = merge.split(" ") if isinstance(merge, str) else merge
        parents.setdefault(a + b, (a, b))

    def pieces(token):
        if token in stored:
            return [token]
        if token not in parents:
            raise SystemExit(f"token {token!r} is neither in the checkpoint's vocabulary nor made by a merge")
        a, b = parents[token]
        return pieces(a) + pieces(b)

    table = state[EMBEDDINGS]
    rows = np.zeros((max(wanted.values()) + 1, table.shape[1]), dtype=table.dtype)
    for token, i in wanted.items():
        rows[i] = np.mean([table[stored[p]] for p in pieces(token)], axis=0)
    return dict(state, **{EMBEDDINGS: rows})
