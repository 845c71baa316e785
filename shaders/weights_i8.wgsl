// Weight reader for int8 weights with one f32 scale per row (symmetric, per output channel):
// binding 1 holds the int8 values packed four per u32 (element 4j in the low byte, as a little-endian
// byte array), binding 9 the scales of the bound part's rows. weight_at and weight4_at return the
// integers as f32 (exact); kernels multiply a row's results by weight_row_scale(row) once, at the end.
// Widening is shifts and an i32 -> f32 conversion: no optional feature is needed.
@group(0) @binding(1) var<storage, read> weights: array<u32>;
@group(0) @binding(9) var<storage, read> weight_scales: array<f32>;

fn weight_at(i: u32) -> f32 {
  let word = weights[i >> 2u];
  return f32(bitcast<i32>(word << (24u - 8u * (i & 3u))) >> 24u);
}

// Elements i..i+3 (i a multiple of 4): one word.
fn weight4_at(i: u32) -> vec4f {
  let word = weights[i >> 2u];
  let bytes = bitcast<vec4i>(vec4u(word << 24u, word << 16u, word << 8u, word));
  return vec4f(bytes >> vec4u(24u));
}

fn weight_row_scale(row: u32) -> f32 {
  return weight_scales[row];
}
