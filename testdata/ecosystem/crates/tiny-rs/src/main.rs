// A tiny crate the ecosystem install tests build with cargo_build.
fn main() {
    println!("tiny-rs 1.0.0 from crates");
}
