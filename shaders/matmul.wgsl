// Linear layer with a fused epilogue:
//   out[y_offset + m * y_stride + y_col + n] (= or +=) act(sum_k x[x_offset + m * k_len + k] * W[n, k] + bias[y_col + n])
//   x: [m, k] f32 row-major at x_offset        W: [n, k] (PyTorch [out, in]) via a weights_*.wgsl reader
//   bias: f32 indexed by output column         out: f32 rows of y_stride, this part's columns at y_col
// Weights larger than one storage binding are split by rows into parts: each part is one dispatch,
// with its rows as `n` and its first output column as `y_col`.
// Each invocation owns a 4x4 tile of outputs (4 rows of x against 4 rows of W), accumulated in f32
// registers over k; the workgroup is WORKGROUP_X x WORKGROUP_Y tiles, x across n, y across m.
// ADD_BIAS adds the bias, RELU applies max(0, .), ACCUMULATE adds into out (residual connections).
struct Params {
  m: u32,
  n: u32,
  k_len: u32,
  x_offset: u32,
  y_offset: u32,
  y_stride: u32,
  y_col: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

override WORKGROUP_X: u32 = 16u;
override WORKGROUP_Y: u32 = 4u;
override ADD_BIAS: bool = false;
override RELU: bool = false;
override ACCUMULATE: bool = false;

@compute @workgroup_size(WORKGROUP_X, WORKGROUP_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n0 = gid.x * 4u;
  let m0 = gid.y * 4u;
  if (n0 >= params.n || m0 >= params.m) {
    return;
  }
  let k_len = params.k_len;
  // Rows past the edge read the last valid row; their results are never written.
  var w_row: vec4u;
  var x_row: vec4u;
  for (var j = 0u; j < 4u; j++) {
    w_row[j] = min(n0 + j, params.n - 1u) * k_len;
    x_row[j] = params.x_offset + min(m0 + j, params.m - 1u) * k_len;
  }
  var acc: array<vec4f, 4>;
  for (var k = 0u; k < k_len; k++) {
    let w = vec4f(weight_at(w_row[0] + k), weight_at(w_row[1] + k), weight_at(w_row[2] + k), weight_at(w_row[3] + k));
    acc[0] += x[x_row[0] + k] * w;
    acc[1] += x[x_row[1] + k] * w;
    acc[2] += x[x_row[2] + k] * w;
    acc[3] += x[x_row[3] + k] * w;
  }
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + i;
    if (m >= params.m) {
      break;
    }
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + j;
      if (n >= params.n) {
        break;
      }
      let col = params.y_col + n;
      var v = acc[i][j];
      if (ADD_BIAS) {
        v += bias[col];
      }
      if (RELU) {
        v = max(v, 0.0);
      }
      let o = params.y_offset + m * params.y_stride + col;
      if (ACCUMULATE) {
        v += out[o];
      }
      out[o] = v;
    }
  }
}
