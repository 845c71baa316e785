// Embedding lookup for the rows of one part of the table.
//   weights (binding 1, via a weights_*.wgsl reader): table rows [row_start, row_start + rows) x hidden
//   token_ids: [tokens] u32          hidden_out: [tokens, hidden] f32, row-major
// hidden_out[n, c] = table[token_ids[n], c] for every token whose id falls in this part; other
// tokens are left for the dispatch of the part that holds their row. One invocation per element,
// the element index spread over a 2D grid of workgroups (x fastest).
struct Params {
  tokens: u32,
  hidden: u32,
  row_start: u32,
  rows: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(2) var<storage, read> token_ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> hidden_out: array<f32>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.tokens * params.hidden) {
    return;
  }
  let n = i / params.hidden;
  let c = i % params.hidden;
  let row = token_ids[n];
  if (row < params.row_start || row >= params.row_start + params.rows) {
    return;
  }
  let part_row = row - params.row_start;
  hidden_out[i] = weight_at(part_row * params.hidden + c) * weight_row_scale(part_row);
}
