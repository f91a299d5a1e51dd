// A tiny crate whose Cargo.lock cargo resolves when cargo_install is planned.
fn main() {
    println!("tiny-rs-hello 1.0.0 from crates, {}", tiny_rs_greeting::greeting());
}
