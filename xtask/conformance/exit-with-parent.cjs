// Loaded into Prism with `node --require` by `cargo xtask conformance`: the xtask holds Prism's stdin open, so
// when the xtask goes away (finished, failed, interrupted or killed) stdin ends and Prism exits with it.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
