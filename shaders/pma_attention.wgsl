// The attention step of the PMA pooling head, one learned query against every token of a sequence:
//   query: [dim] f32 (fc_q(seed), computed once at load)     seed: [dim] f32 (the raw seed S)
//   kv: [tokens, 2 * dim] f32, fc_k(H) in columns 0..dim-1 and fc_v(H) in dim..2*dim-1, sequences packed
//   seq_start, seq_len: [sequences] u32                      out: [sequences, dim] f32
// out[b, h] = seed[h] + sum_{j in sequence b} softmax_j(query[h] . k[j, h] * scale) v[j, h]
// over heads of head_dim = dim / heads columns, with scale = 1 / sqrt(dim) (the full dim). A sequence
// with no tokens gets seed alone. One invocation per (sequence, head), online softmax over the tokens.
struct Params {
  sequences: u32,
  heads: u32,
  head_dim: u32,
  dim: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> query: array<f32>;
@group(0) @binding(2) var<storage, read> seed: array<f32>;
@group(0) @binding(3) var<storage, read> kv: array<f32>;
@group(0) @binding(4) var<storage, read> seq_start: array<u32>;
@group(0) @binding(5) var<storage, read> seq_len: array<u32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;

override WORKGROUP_SIZE: u32 = 64u;
const MAX_HEAD_DIM = 128u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let index = gid.x;
  if (index >= params.sequences * params.heads) {
    return;
  }
  let head = index % params.heads;
  let b = index / params.heads;
  let col = head * params.head_dim;
  var acc: array<f32, MAX_HEAD_DIM>;
  var running_max = -3.4e38;
  var running_sum = 0.0;
  let first = seq_start[b];
  for (var j = first; j < first + seq_len[b]; j++) {
    let row = j * 2u * params.dim;
    var score = 0.0;
    for (var d = 0u; d < params.head_dim; d++) {
      score += query[col + d] * kv[row + col + d];
    }
    score *= params.scale;
    let new_max = max(running_max, score);
    let correction = exp(running_max - new_max);
    let p = exp(score - new_max);
    running_sum = running_sum * correction + p;
    for (var d = 0u; d < params.head_dim; d++) {
      acc[d] = acc[d] * correction + p * kv[row + params.dim + col + d];
    }
    running_max = new_max;
  }
  let inverse_sum = select(0.0, 1.0 / running_sum, running_sum > 0.0);
  for (var d = 0u; d < params.head_dim; d++) {
    out[b * params.dim + col + d] = seed[col + d] + acc[d] * inverse_sum;
  }
}
