// Weight reader for F32 tensors: binding 1 holds the values as plain f32.
// weight_at(i) returns element i of the tensor (row-major, counted from the start of the bound part).
@group(0) @binding(1) var<storage, read> weights: array<f32>;

fn weight_at(i: u32) -> f32 {
  return weights[i];
}
