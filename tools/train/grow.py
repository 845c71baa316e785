"""Deepening a trained checkpoint: a state dict of L layers made into one of more, computing the same function.

The added layers are copies of the last stored layer placed after it, with their two output projections
(attention's o_proj and the MLP's down_proj) zeroed: each added block then adds nothing to the residual
stream, so the deeper model starts exactly where the stored one ended and training decides what the new
blocks do (the copies' other weights start from a trained layer rather than from noise).
"""
import re

LAYER = re.compile(r"^plm_model\.model\.layers\.(\d+)\.")
ZEROED = (".self_attn.o_proj.weight", ".mlp.down_proj.weight")


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
