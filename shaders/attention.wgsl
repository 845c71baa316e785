// Causal grouped-query self-attention over packed sequences (no padding anywhere), flash-attention style:
//   qkv: [tokens, row_stride / 4] vec4f; per token the q heads, then the k heads, then the v heads,
//        each head_dim wide (head_dim a multiple of 4, at most 128)
//   seq_start: [tokens] u32, the index of the first token of the token's own sequence
//   out: [tokens, heads * head_dim / 4] vec4f
// out[n, h] = sum_{j = seq_start[n]..n} softmax_j(q[n, h] . k[j, h / group] * scale) v[j, h / group]
// One workgroup per (block of BLOCK_Q consecutive queries, head); workgroup_id = (query block, head).
// It walks key blocks of BLOCK_K from the first query's sequence start up to the last query, so the
// blocks the causal mask (or an earlier packed sequence) removes are never visited, and keeps a running
// max and sum per query row (online softmax): no T x T matrix exists and memory stays linear in T.
// Per key block, in workgroup memory: K and V tiles [BLOCK_K, head_dim], then scores [BLOCK_Q, BLOCK_K]
// (4 keys per invocation), then each row's softmax update (one invocation per row), then
// acc += P V where invocation (g, c) owns rows 4g..4g+3 of output column vec4 c in four registers.
// The host derives the tile sizes from head_dim: VEC4S = head_dim / 4, ROW_GROUPS = WORKGROUP_SIZE / VEC4S,
// BLOCK_Q = 4 ROW_GROUPS, BLOCK_K a multiple of 4 with K and V tiles at most 8 KiB.
struct Params {
  tokens: u32,
  heads: u32,
  kv_heads: u32,
  row_stride: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> qkv: array<vec4f>;
@group(0) @binding(2) var<storage, read> seq_start: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<vec4f>;

override WORKGROUP_SIZE: u32 = 64u;
override VEC4S: u32;
override ROW_GROUPS: u32;
override BLOCK_Q: u32;
override BLOCK_K: u32;

const MASKED = -3.4e38;

var<workgroup> q_tile: array<vec4f, BLOCK_Q * VEC4S>;
var<workgroup> k_tile: array<vec4f, BLOCK_K * VEC4S>;
var<workgroup> v_tile: array<vec4f, BLOCK_K * VEC4S>;
var<workgroup> scores: array<f32, BLOCK_Q * BLOCK_K>;
var<workgroup> row_start: array<u32, BLOCK_Q>;
var<workgroup> row_scale: array<f32, BLOCK_Q>;
var<workgroup> first_key: u32;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let q0 = wid.x * BLOCK_Q;
  let head = wid.y;
  let tokens = params.tokens;
  let stride = params.row_stride / 4u;
  let kv_head = head / (params.heads / params.kv_heads);
  let q_col = head * VEC4S;
  let k_col = (params.heads + kv_head) * VEC4S;
  let v_col = (params.heads + params.kv_heads + kv_head) * VEC4S;

  for (var e = lid; e < BLOCK_Q * VEC4S; e += WORKGROUP_SIZE) {
    let n = min(q0 + e / VEC4S, tokens - 1u);
    q_tile[e] = qkv[n * stride + q_col + e % VEC4S] * params.scale;
  }
  for (var i = lid; i < BLOCK_Q; i += WORKGROUP_SIZE) {
    row_start[i] = seq_start[min(q0 + i, tokens - 1u)];
  }
  if (lid == 0u) {
    first_key = seq_start[q0];
  }
  let key_begin = workgroupUniformLoad(&first_key);
  let key_end = min(q0 + BLOCK_Q, tokens);

  // Softmax state of row `lid` (invocations lid < BLOCK_Q).
  var row_max = MASKED;
  var row_sum = 0.0;
  // Output tile of invocation (group g, column c): rows 4g..4g+3.
  let c = lid % VEC4S;
  let g = lid / VEC4S;
  let owns_output = g < ROW_GROUPS;
  let r0 = min(g, ROW_GROUPS - 1u) * 4u;
  var acc0 = vec4f();
  var acc1 = vec4f();
  var acc2 = vec4f();
  var acc3 = vec4f();

  for (var k0 = key_begin; k0 < key_end; k0 += BLOCK_K) {
    for (var e = lid; e < BLOCK_K * VEC4S; e += WORKGROUP_SIZE) {
      let j = min(k0 + e / VEC4S, tokens - 1u);
      k_tile[e] = qkv[j * stride + k_col + e % VEC4S];
      v_tile[e] = qkv[j * stride + v_col + e % VEC4S];
    }
    workgroupBarrier();

    for (var p = lid; p < BLOCK_Q * BLOCK_K / 4u; p += WORKGROUP_SIZE) {
      let i = p / (BLOCK_K / 4u);
      let j = (p % (BLOCK_K / 4u)) * 4u;
      var s = vec4f();
      for (var d = 0u; d < VEC4S; d++) {
        let q = q_tile[i * VEC4S + d];
        s += vec4f(
          dot(q, k_tile[j * VEC4S + d]),
          dot(q, k_tile[(j + 1u) * VEC4S + d]),
          dot(q, k_tile[(j + 2u) * VEC4S + d]),
          dot(q, k_tile[(j + 3u) * VEC4S + d]),
        );
      }
      let n = q0 + i;
      let key = vec4u(k0 + j) + vec4u(0u, 1u, 2u, 3u);
      let visible = (key <= vec4u(n)) & (key >= vec4u(row_start[i])) & (key < vec4u(tokens));
      s = select(vec4f(MASKED), s, visible);
      scores[i * BLOCK_K + j] = s.x;
      scores[i * BLOCK_K + j + 1u] = s.y;
      scores[i * BLOCK_K + j + 2u] = s.z;
      scores[i * BLOCK_K + j + 3u] = s.w;
    }
    workgroupBarrier();

    if (lid < BLOCK_Q) {
      var block_max = MASKED;
      for (var j = 0u; j < BLOCK_K; j++) {
        block_max = max(block_max, scores[lid * BLOCK_K + j]);
      }
      let new_max = max(row_max, block_max);
      var block_sum = 0.0;
      for (var j = 0u; j < BLOCK_K; j++) {
        let s = scores[lid * BLOCK_K + j];
        let weight = select(0.0, exp(s - new_max), s > MASKED);
        scores[lid * BLOCK_K + j] = weight;
        block_sum += weight;
      }
      let correction = exp(row_max - new_max);
      row_sum = row_sum * correction + block_sum;
      row_max = new_max;
      row_scale[lid] = correction;
    }
    workgroupBarrier();

    if (owns_output) {
      acc0 *= row_scale[r0];
      acc1 *= row_scale[r0 + 1u];
      acc2 *= row_scale[r0 + 2u];
      acc3 *= row_scale[r0 + 3u];
      for (var j = 0u; j < BLOCK_K; j++) {
        let v = v_tile[j * VEC4S + c];
        acc0 += scores[r0 * BLOCK_K + j] * v;
        acc1 += scores[(r0 + 1u) * BLOCK_K + j] * v;
        acc2 += scores[(r0 + 2u) * BLOCK_K + j] * v;
        acc3 += scores[(r0 + 3u) * BLOCK_K + j] * v;
      }
    }
    workgroupBarrier();
  }

  if (lid < BLOCK_Q) {
    row_scale[lid] = 1.0 / row_sum;
  }
  workgroupBarrier();
  if (owns_output) {
    let out_stride = params.heads * VEC4S;
    let base = head * VEC4S + c;
    if (q0 + r0 < tokens) {
      out[(q0 + r0) * out_stride + base] = acc0 * row_scale[r0];
    }
    if (q0 + r0 + 1u < tokens) {
      out[(q0 + r0 + 1u) * out_stride + base] = acc1 * row_scale[r0 + 1u];
    }
    if (q0 + r0 + 2u < tokens) {
      out[(q0 + r0 + 2u) * out_stride + base] = acc2 * row_scale[r0 + 2u];
    }
    if (q0 + r0 + 3u < tokens) {
      out[(q0 + r0 + 3u) * out_stride + base] = acc3 * row_scale[r0 + 3u];
    }
  }
}
