// RMSNorm over rows: y[r, c] = x[r, c] * inverseSqrt(mean_c(x[r, c]^2) + eps) * weight[c].
//   x, y: [rows, cols] f32 row-major        weight: [cols] f32
// One workgroup per row; each invocation sums a strided slice of the row, a tree reduction in
// workgroup memory combines them (WORKGROUP_SIZE must be a power of two), then the row is written.
struct Params {
  rows: u32,
  cols: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

override WORKGROUP_SIZE: u32 = 64u;
var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = group.x;
  let base = row * params.cols;
  var sum = 0.0;
  for (var c = lid; c < params.cols; c += WORKGROUP_SIZE) {
    let v = x[base + c];
    sum += v * v;
  }
  partial[lid] = sum;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partial[lid] += partial[lid + stride];
    }
    workgroupBarrier();
  }
  let scale = inverseSqrt(partial[0] / f32(params.cols) + params.eps);
  for (var c = lid; c < params.cols; c += WORKGROUP_SIZE) {
    y[base + c] = x[base + c] * scale * weight[c];
  }
}
