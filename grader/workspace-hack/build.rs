//! Empty: a build script makes cargo resolve the `[build-dependencies]`, which carry the features
//! of the dependencies that proc-macros and build scripts use.
fn main() {}
