//! The `bokashi` binary: [`bokashi::run`] and its exit status.

/// mimalloc: the pipeline allocates many small short-lived buffers on every thread, and
/// the system allocator's arena locking and consolidation showed up at ~10% of a profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(bokashi::run());
}
