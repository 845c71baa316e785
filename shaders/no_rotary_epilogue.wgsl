// The matmul epilogue without rotary embedding: every other projection (see rotary_epilogue.wgsl).
fn rotary(m: u32, col: u32, v: vec4f) -> vec4f {
  return v;
}
