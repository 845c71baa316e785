// LayerNorm over rows, optionally followed by L2 normalisation of the result:
//   z[r, c] = (x[r, c] - mean) * inverseSqrt(var + eps) * weight[c] + bias[c]
//   y[r, :] = z[r, :] / ||z[r, :]||   when L2_NORMALIZE, else y = z
//   x, y: [rows, cols] f32 row-major        weight, bias: [cols] f32
// One workgroup per row; mean, variance (two-pass, centred) and the norm are each a strided sum
// per invocation combined by workgroup_sum (workgroup_sum.wgsl, concatenated in front).
struct Params {
  rows: u32,
  cols: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

override L2_NORMALIZE: bool = false;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let base = group.x * params.cols;
  let n = f32(params.cols);
  var sum = 0.0;
  for (var c = lid; c < params.cols; c += WORKGROUP_SIZE) {
    sum += x[base + c];
  }
  let mean = workgroup_sum(lid, sum) / n;
  var squares = 0.0;
  for (var c = lid; c < params.cols; c += WORKGROUP_SIZE) {
    let d = x[base + c] - mean;
    squares += d * d;
  }
  let scale = inverseSqrt(workgroup_sum(lid, squares) / n + params.eps);
  var norm_part = 0.0;
  for (var c = lid; c < params.cols; c += WORKGROUP_SIZE) {
    let z = (x[base + c] - mean) * scale * weight[c] + bias[c];
    y[base + c] = z;
    norm_part += z * z;
  }
  if (L2_NORMALIZE) {
    let inverse_norm = inverseSqrt(workgroup_sum(lid, norm_part));
    for (var c = lid; c < params.cols; c += WORKGROUP_SIZE) {
      y[base + c] *= inverse_norm;
    }
  }
}
