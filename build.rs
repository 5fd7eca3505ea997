//! Content (`lessons/`, `exercises/`) is embedded into the binary; rebuild when any of it
//! changes, including files added or removed (which `include_bytes!` alone would miss).
fn main() {
    println!("cargo::rerun-if-changed=lessons");
    println!("cargo::rerun-if-changed=exercises");
}
