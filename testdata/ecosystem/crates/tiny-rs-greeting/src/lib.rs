// The greeting tiny-rs-hello prints: it comes from this dependency, resolved through the crates index.
pub fn greeting() -> &'static str {
    "greeting 1.0.0"
}
