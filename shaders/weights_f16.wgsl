// Weight reader for F16 tensors kept packed, two per u32 (element 2j in the low half). unpack2x16float
// is core WGSL, so this needs no shader-f16 feature.
@group(0) @binding(1) var<storage, read> weights: array<u32>;

fn weight_at(i: u32) -> f32 {
  return unpack2x16float(weights[i >> 1u])[i & 1u];
}

// Elements i..i+3 (i a multiple of 4): two whole words.
fn weight4_at(i: u32) -> vec4f {
  return vec4f(unpack2x16float(weights[i >> 1u]), unpack2x16float(weights[(i >> 1u) + 1u]));
}

// Stored values need no per-row scale.
fn weight_row_scale(row: u32) -> f32 {
  return 1.0;
}
