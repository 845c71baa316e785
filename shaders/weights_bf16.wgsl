// Weight reader for BF16 tensors kept packed, two per u32 (element 2j in the low half, 2j+1 in the
// high half, as the little-endian file stores them). A bf16 value is the top 16 bits of an f32, so
// widening is a shift: exact, and no shader-f16 feature is needed.
@group(0) @binding(1) var<storage, read> weights: array<u32>;

fn weight_at(i: u32) -> f32 {
  let word = weights[i >> 1u];
  return bitcast<f32>(select(word << 16u, word & 0xffff0000u, (i & 1u) == 1u));
}

// Elements i..i+3 (i a multiple of 4): two whole words.
fn weight4_at(i: u32) -> vec4f {
  let lo = weights[i >> 1u];
  let hi = weights[(i >> 1u) + 1u];
  return bitcast<vec4f>(vec4u(lo << 16u, lo & 0xffff0000u, hi << 16u, hi & 0xffff0000u));
}

// Stored values need no per-row scale.
fn weight_row_scale(row: u32) -> f32 {
  return 1.0;
}
