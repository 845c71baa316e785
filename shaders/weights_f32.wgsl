// Weight reader for F32 tensors: binding 1 holds the values as plain f32.
// weight_at(i) returns element i of the tensor (row-major, counted from the start of the bound part);
// weight4_at(i) returns elements i..i+3 for i a multiple of 4; weight_row_scale(row) the factor a kernel
// multiplies row `row`'s results by (1 here; the int8 reader's per-row scale).
@group(0) @binding(1) var<storage, read> weights: array<f32>;

fn weight_at(i: u32) -> f32 {
  return weights[i];
}

fn weight4_at(i: u32) -> vec4f {
  return vec4f(weights[i], weights[i + 1u], weights[i + 2u], weights[i + 3u]);
}

// Stored values need no per-row scale.
fn weight_row_scale(row: u32) -> f32 {
  return 1.0;
}
