// Causal grouped-query self-attention over packed sequences (no padding anywhere):
//   qkv: [tokens, row_stride / 4] vec4f; per token the q heads, then the k heads, then the v heads,
//        each head_dim wide (head_dim a multiple of 4, at most 128)
//   seq_start: [tokens] u32, the index of the first token of the token's own sequence
//   out: [tokens, heads * head_dim / 4] vec4f
// out[n, h] = sum_{j = seq_start[n]..n} softmax_j(q[n, h] . k[j, h / group] * scale) v[j, h / group]
// One invocation per (query token, head), walking its keys once with an online softmax (running
// max and sum), so no T x T matrix exists and memory stays linear in T.
struct Params {
  tokens: u32,
  heads: u32,
  kv_heads: u32,
  head_dim: u32,
  row_stride: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> qkv: array<vec4f>;
@group(0) @binding(2) var<storage, read> seq_start: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<vec4f>;

override WORKGROUP_SIZE: u32 = 64u;
const MAX_VEC4S = 32u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let index = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (index >= params.tokens * params.heads) {
    return;
  }
  let head = index % params.heads;
  let n = index / params.heads;
  let vecs = params.head_dim / 4u;
  let stride = params.row_stride / 4u;
  let kv_head = head / (params.heads / params.kv_heads);
  let k_col = (params.heads + kv_head) * vecs;
  let v_col = (params.heads + params.kv_heads + kv_head) * vecs;

  var q: array<vec4f, MAX_VEC4S>;
  var acc: array<vec4f, MAX_VEC4S>;
  for (var d = 0u; d < vecs; d++) {
    q[d] = qkv[n * stride + head * vecs + d] * params.scale;
  }
  var running_max = -3.4e38;
  var running_sum = 0.0;
  for (var j = seq_start[n]; j <= n; j++) {
    var score = 0.0;
    for (var d = 0u; d < vecs; d++) {
      score += dot(q[d], qkv[j * stride + k_col + d]);
    }
    let new_max = max(running_max, score);
    let correction = exp(running_max - new_max);
    let p = exp(score - new_max);
    running_sum = running_sum * correction + p;
    for (var d = 0u; d < vecs; d++) {
      acc[d] = acc[d] * correction + p * qkv[j * stride + v_col + d];
    }
    running_max = new_max;
  }
  let out_stride = params.heads * vecs;
  for (var d = 0u; d < vecs; d++) {
    out[n * out_stride + head * vecs + d] = acc[d] / running_sum;
  }
}
