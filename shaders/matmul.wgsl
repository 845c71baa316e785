// Linear layer with a fused epilogue:
//   out[y_offset + m * y_stride + y_col + n] (= or +=) act(sum_k x[x_offset + m * k_len + k] * W[n, k] + bias[y_col + n])
//   x: [m, k] f32 row-major at x_offset, bound as vec4s (buffers are sized in whole vec4s)
//   W: [n, k] (PyTorch [out, in]) via a weights_*.wgsl reader; row n's sums are multiplied by
//      weight_row_scale(n) (int8 weights; 1 for stored floats) before the epilogue
//   bias: f32 indexed by output column         out: f32 rows of y_stride, this part's columns at y_col
// Weights larger than one storage binding are split by rows into parts: each part is one dispatch,
// with its rows as `n` and its first output column as `y_col`.
// Each invocation owns a 4x4 tile of outputs (4 rows of x against 4 rows of W), accumulated in f32
// registers over k, four k at a time as vec4 dot products when k_len and x_offset are multiples of 4
// (then every row starts on a 4-element boundary), else one k at a time; the workgroup is
// WORKGROUP_X x WORKGROUP_Y tiles, x across n, y across m.
// ADD_BIAS adds the bias, then rotary() (rotary_epilogue.wgsl for the q|k|v projection, else the identity
// from no_rotary_epilogue.wgsl) rotates q and k, RELU applies max(0, .), ACCUMULATE adds into out
// (residual connections).
// SWIGLU (alone): W's rows alternate gate and up (see weights.ts, "interleaved"), so output columns come
// in (gate, up) pairs inside each tile, and out[.., (y_col + n) / 2] = silu(gate) * up: half as wide.
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
@group(0) @binding(2) var<storage, read> x: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

// Outputs per invocation along n and along m. Fixed: the tile's four rows live in named registers below.
const TILE = 4u;
override WORKGROUP_X: u32 = 16u;
override WORKGROUP_Y: u32 = 4u;
override ADD_BIAS: bool = false;
override RELU: bool = false;
override ACCUMULATE: bool = false;
override SWIGLU: bool = false;

fn x_at(e: u32) -> f32 {
  return x[e >> 2u][e & 3u];
}

@compute @workgroup_size(WORKGROUP_X, WORKGROUP_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n0 = gid.x * TILE;
  let m0 = gid.y * TILE;
  if (n0 >= params.n || m0 >= params.m) {
    return;
  }
  let k_len = params.k_len;
  // Rows past the edge read the last valid row; their results are never written.
  let w0_row = min(n0, params.n - 1u) * k_len;
  let w1_row = min(n0 + 1u, params.n - 1u) * k_len;
  let w2_row = min(n0 + 2u, params.n - 1u) * k_len;
  let w3_row = min(n0 + 3u, params.n - 1u) * k_len;
  let x0_row = params.x_offset + min(m0, params.m - 1u) * k_len;
  let x1_row = params.x_offset + min(m0 + 1u, params.m - 1u) * k_len;
  let x2_row = params.x_offset + min(m0 + 2u, params.m - 1u) * k_len;
  let x3_row = params.x_offset + min(m0 + 3u, params.m - 1u) * k_len;
  var acc0 = vec4f();
  var acc1 = vec4f();
  var acc2 = vec4f();
  var acc3 = vec4f();
  var k = 0u;
  if (k_len % 4u == 0u && params.x_offset % 4u == 0u) {
    for (; k < k_len; k += 4u) {
      let w0 = weight4_at(w0_row + k);
      let w1 = weight4_at(w1_row + k);
      let w2 = weight4_at(w2_row + k);
      let w3 = weight4_at(w3_row + k);
      let xv0 = x[(x0_row + k) >> 2u];
      let xv1 = x[(x1_row + k) >> 2u];
      let xv2 = x[(x2_row + k) >> 2u];
      let xv3 = x[(x3_row + k) >> 2u];
      acc0 += vec4f(dot(xv0, w0), dot(xv0, w1), dot(xv0, w2), dot(xv0, w3));
      acc1 += vec4f(dot(xv1, w0), dot(xv1, w1), dot(xv1, w2), dot(xv1, w3));
      acc2 += vec4f(dot(xv2, w0), dot(xv2, w1), dot(xv2, w2), dot(xv2, w3));
      acc3 += vec4f(dot(xv3, w0), dot(xv3, w1), dot(xv3, w2), dot(xv3, w3));
    }
  }
  for (; k < k_len; k++) {
    let w = vec4f(weight_at(w0_row + k), weight_at(w1_row + k), weight_at(w2_row + k), weight_at(w3_row + k));
    acc0 += x_at(x0_row + k) * w;
    acc1 += x_at(x1_row + k) * w;
    acc2 += x_at(x2_row + k) * w;
    acc3 += x_at(x3_row + k) * w;
  }
  let scale = vec4f(
    weight_row_scale(min(n0, params.n - 1u)),
    weight_row_scale(min(n0 + 1u, params.n - 1u)),
    weight_row_scale(min(n0 + 2u, params.n - 1u)),
    weight_row_scale(min(n0 + 3u, params.n - 1u)),
  );
  let acc = array<vec4f, 4>(acc0 * scale, acc1 * scale, acc2 * scale, acc3 * scale);
  if (SWIGLU) {
    for (var i = 0u; i < 4u && m0 + i < params.m; i++) {
      for (var pair = 0u; pair < 2u && n0 + 2u * pair + 1u < params.n; pair++) {
        let gate = acc[i][2u * pair];
        let up = acc[i][2u * pair + 1u];
        out[params.y_offset + (m0 + i) * params.y_stride + (params.y_col + n0) / 2u + pair] = gate / (1.0 + exp(-gate)) * up;
      }
    }
    return;
  }
  let col0 = params.y_col + n0;
  let last_col = params.y_col + params.n - 1u;
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + i;
    if (m >= params.m) {
      break;
    }
    var v = acc[i];
    if (ADD_BIAS) {
      v += vec4f(bias[col0], bias[min(col0 + 1u, last_col)], bias[min(col0 + 2u, last_col)], bias[min(col0 + 3u, last_col)]);
    }
    v = rotary(m, col0, v);
    if (RELU) {
      v = max(v, vec4f());
    }
    for (var j = 0u; j < 4u && n0 + j < params.n; j++) {
      let o = params.y_offset + m * params.y_stride + col0 + j;
      var value = v[j];
      if (ACCUMULATE) {
        value += out[o];
      }
      out[o] = value;
    }
  }
}
