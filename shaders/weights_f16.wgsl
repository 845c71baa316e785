// Weight reader for F16 tensors kept packed, two per u32 (element 2j in the low half). unpack2x16float
// is core WGSL, so this needs no shader-f16 feature.
@group(0) @binding(1) var<storage, read> weights: array<u32>;

fn weight_at(i: u32) -> f32 {
  return unpack2x16float(weights[i >> 1u])[i & 1u];
}
