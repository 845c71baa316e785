// RMSNorm over rows: y[r, c] = x[r, c] * inverseSqrt(mean_c(x[r, c]^2) + eps) * weight[c].
//   x, y: [rows, cols] f32 row-major        weight: [cols] f32
// One workgroup per row; each invocation sums a strided slice of the row, workgroup_sum
// (workgroup_sum.wgsl, concatenated in front) combines them, then the row is written.
struct Params {
  rows: u32,
  cols: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;


@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = group.x;
  let base = row * params.cols;
  var sum = 0.0;
  for (var c = lid; c < params.cols; c += WORKGROUP_SIZE) {
    let v = x[base + c];
    sum += v * v;
  }
  let scale = inverseSqrt(workgroup_sum(lid, sum) / f32(params.cols) + params.eps);
  for (var c = lid; c < params.cols; c += WORKGROUP_SIZE) {
    y[base + c] = x[base + c] * scale * weight[c];
  }
}
