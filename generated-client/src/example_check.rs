//! Test support for the generated example checks (filled in by the generator's example stage).
