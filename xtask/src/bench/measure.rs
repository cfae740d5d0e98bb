//! Running a command as a child process and measuring it: whole-process wall time and the peak resident set size
//! of the largest process in its tree.
//!
//! The child is reaped with `wait4(2)`, whose `ru_maxrss` is the largest of the child's own peak and the peaks of
//! the descendants it waited for (the same figure `/usr/bin/time -v` reports as "Maximum resident set size"): the JVM
//! for openapi-generator, `rustc` for a `cargo build`.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;

/// A command line, kept as data so that it can be run many times and printed exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    pub program: OsString,
    pub args: Vec<OsString>,
    /// The working directory (default: the project root).
    pub dir: Option<PathBuf>,
    /// Variables set for the child (printed before the command).
    pub env: Vec<(String, OsString)>,
}

impl Cmd {
    pub fn new(program: impl AsRef<OsStr>) -> Cmd {
        Cmd { program: program.as_ref().to_owned(), args: Vec::new(), dir: None, env: Vec::new() }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Cmd {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(mut self, args: I) -> Cmd {
        self.args.extend(args.into_iter().map(|arg| arg.as_ref().to_owned()));
        self
    }

    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Cmd {
        self.dir = Some(dir.into());
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Cmd {
        self.env.push((key.to_owned(), value.as_ref().to_owned()));
        self
    }

    /// The command as a shell line, with paths below `root` written relative to it (variables' values only when
    /// the command runs in `root`, where relative paths mean the same).
    pub fn display(&self, root: &Path) -> String {
        let show = |text: &OsStr| quote(&relative_text(text, root));
        let in_root = self.dir.as_deref().is_none_or(|dir| dir == root);
        let mut parts = Vec::new();
        if let Some(dir) = &self.dir {
            let dir = show(dir.as_os_str());
            if dir != "." && !dir.is_empty() {
                parts.push(format!("cd {dir} &&"));
            }
        }
        for (key, value) in &self.env {
            let value = if in_root { show(value) } else { quote(&value.to_string_lossy()) };
            parts.push(format!("{key}={value}"));
        }
        parts.push(show(&self.program));
        parts.extend(self.args.iter().map(|arg| show(arg)));
        parts.join(" ")
    }

    fn command(&self, root: &Path) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args).current_dir(self.dir.as_deref().unwrap_or(root));
        // The bench chooses every target folder itself; an inherited one would mix builds.
        command.env_remove("CARGO_TARGET_DIR");
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }
}

/// `root/a/b` -> `a/b`, for display only.
fn relative_text(text: &OsStr, root: &Path) -> String {
    let text = text.to_string_lossy();
    let root = root.to_string_lossy();
    if text == root {
        return ".".to_owned();
    }
    match text.strip_prefix(&format!("{root}/")) {
        Some(rest) => rest.to_owned(),
        None => text.replace(&format!(" {root}/"), " "),
    }
}

/// Quotes a word for `sh` when it needs it.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
        && !word.starts_with('=');
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// One run of one command line (or of a sequence of them, see [`run_steps`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub wall: Duration,
    /// User plus system time of the process and the descendants it waited for: less sensitive than the wall time
    /// to other work on the machine.
    pub cpu: Duration,
    /// Bytes.
    pub peak_rss: u64,
    /// `None` if the run succeeded, else the first error line of its output.
    pub failure: Option<String>,
}

/// Runs `cmd` once, its stdout and stderr going to `log`.
pub fn run_once(cmd: &Cmd, root: &Path, log: &Path) -> Result<Sample> {
    if let Some(parent) = log.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out.try_clone()?;
    let mut command = cmd.command(root);
    command.stdin(Stdio::null()).stdout(Stdio::from(out)).stderr(Stdio::from(err));
    let start = Instant::now();
    let child = command.spawn().map_err(|e| format!("cannot start `{}`: {e}", cmd.display(root)))?;
    let (status, rusage) = wait4(child.id())
        .map_err(|e| format!("waiting for `{}` (pid {}) failed: {e}", cmd.display(root), child.id()))?;
    let wall = start.elapsed();
    let peak_rss = maxrss_bytes(rusage.ru_maxrss);
    let cpu = duration(rusage.ru_utime) + duration(rusage.ru_stime);
    let failure = match exit_description(status) {
        None => None,
        Some(exit) => {
            let text = std::fs::read(log).map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default();
            let line = first_error_line(&text).unwrap_or_else(|| "no output".to_owned());
            Some(format!("{line} ({exit}; log: {})", relative_text(log.as_os_str(), root)))
        }
    };
    Ok(Sample { wall, cpu, peak_rss, failure })
}

/// Runs the steps one after the other as one sample: wall times add up, the peak is the largest. A failing step
/// does not stop the others; the sample's failure counts the failed steps and names the first.
pub fn run_steps(steps: &[Step], root: &Path, log_dir: &Path, name: &str) -> Result<Sample> {
    let mut total = Sample { wall: Duration::ZERO, cpu: Duration::ZERO, peak_rss: 0, failure: None };
    let mut failed = 0;
    for (i, step) in steps.iter().enumerate() {
        if let Some(prepare) = &step.prepare {
            prepare()?;
        }
        let log = if steps.len() == 1 {
            log_dir.join(format!("{name}.log"))
        } else {
            log_dir.join(format!("{name}.{i}.log"))
        };
        let sample = run_once(&step.cmd, root, &log)?;
        total.wall += sample.wall;
        total.cpu += sample.cpu;
        total.peak_rss = total.peak_rss.max(sample.peak_rss);
        if let Some(failure) = sample.failure {
            failed += 1;
            if total.failure.is_none() {
                total.failure = Some(match &step.label {
                    Some(label) => format!("{label}: {failure}"),
                    None => failure,
                });
            }
        }
    }
    if steps.len() > 1 && failed > 0 {
        total.failure = total.failure.map(|first| format!("{failed} of {} fail; first {first}", steps.len()));
    }
    Ok(total)
}

/// A command of a measured run, with what to do (untimed) before it.
pub struct Step {
    pub cmd: Cmd,
    /// Named in failure messages when a run has several steps.
    pub label: Option<String>,
    pub prepare: Option<Box<dyn Fn() -> Result<()>>>,
}

impl Step {
    pub fn new(cmd: Cmd) -> Step {
        Step { cmd, label: None, prepare: None }
    }

    pub fn label(mut self, label: impl Into<String>) -> Step {
        self.label = Some(label.into());
        self
    }

    pub fn prepare(mut self, prepare: impl Fn() -> Result<()> + 'static) -> Step {
        self.prepare = Some(Box::new(prepare));
        self
    }
}

/// The runs of one measurement, warm-ups excluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measurement {
    pub samples: Vec<Sample>,
}

impl Measurement {
    /// The median wall time of the runs.
    pub fn median_wall(&self) -> Duration {
        median(self.samples.iter().map(|s| s.wall).collect())
    }

    /// The median CPU time of the runs.
    pub fn median_cpu(&self) -> Duration {
        median(self.samples.iter().map(|s| s.cpu).collect())
    }

    /// The largest peak RSS of the runs.
    pub fn peak_rss(&self) -> u64 {
        self.samples.iter().map(|s| s.peak_rss).max().unwrap_or(0)
    }

    /// The first failure among the runs.
    pub fn failure(&self) -> Option<&str> {
        self.samples.iter().find_map(|s| s.failure.as_deref())
    }
}

/// Runs `steps` `warmups` times unmeasured, then `runs` times.
pub fn repeat(
    steps: &[Step],
    warmups: usize,
    runs: usize,
    root: &Path,
    log_dir: &Path,
    name: &str,
) -> Result<Measurement> {
    for _ in 0..warmups {
        run_steps(steps, root, log_dir, name)?;
    }
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        samples.push(run_steps(steps, root, log_dir, name)?);
    }
    Ok(Measurement { samples })
}

/// The median; the mean of the middle two for an even count; zero for none.
pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    match values.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2,
    }
}

fn duration(time: libc::timeval) -> Duration {
    let secs = u64::try_from(time.tv_sec).unwrap_or(0);
    let micros = u32::try_from(time.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(u64::from(micros))
}

/// `ru_maxrss` is in KiB on Linux.
pub fn maxrss_bytes(ru_maxrss: libc::c_long) -> u64 {
    u64::try_from(ru_maxrss).unwrap_or(0) * 1024
}

/// The line of a failed run's output that says what went wrong: a panic (with its message, which Rust prints on the
/// next line), an `error`, an exception; else the last line.
pub fn first_error_line(output: &str) -> Option<String> {
    let lines: Vec<&str> = output.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
    if let Some(i) = lines.iter().position(|line| line.contains("panicked at")) {
        let line = lines[i];
        // Since Rust 1.73 the message follows on its own line: `thread 'main' panicked at src/x.rs:1:2:`.
        let text = match lines.get(i + 1) {
            Some(next) if line.ends_with(':') => format!("{line} {next}"),
            _ => line.to_owned(),
        };
        let from = text.find("panicked at").unwrap_or(0);
        return Some(shorten(text[from..].to_owned()));
    }
    let is_error = |line: &&&str| {
        let lower = line.to_ascii_lowercase();
        lower.starts_with("error") || lower.contains("] error") || line.contains("Exception")
    };
    lines.iter().find(is_error).or(lines.last()).map(|line| shorten((*line).to_owned()))
}

/// Cuts long lines, and cargo's registry folder out of paths (`/root/.cargo/registry/src/index.crates.io-<hash>/`).
fn shorten(text: String) -> String {
    const MAX: usize = 300;
    let mut text = text;
    while let Some(at) = text.find("/registry/src/") {
        let start = text[..at].rfind(|c: char| c.is_whitespace()).map_or(0, |space| space + 1);
        let after_index = at + "/registry/src/".len();
        let end = text[after_index..].find('/').map_or(text.len(), |slash| after_index + slash + 1);
        text.replace_range(start..end, "");
    }
    if text.chars().count() <= MAX {
        return text;
    }
    let cut: String = text.chars().take(MAX).collect();
    format!("{cut}…")
}

/// `None` for exit code 0, else how the process ended.
fn exit_description(status: libc::c_int) -> Option<String> {
    if libc::WIFEXITED(status) {
        match libc::WEXITSTATUS(status) {
            0 => None,
            code => Some(format!("exit code {code}")),
        }
    } else if libc::WIFSIGNALED(status) {
        Some(format!("killed by signal {}", libc::WTERMSIG(status)))
    } else {
        Some(format!("wait status {status}"))
    }
}

/// Reaps the child `pid` and returns its wait status and resource usage.
fn wait4(pid: u32) -> std::io::Result<(libc::c_int, libc::rusage)> {
    let pid = libc::pid_t::try_from(pid).map_err(|_| std::io::Error::other("pid out of range"))?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain old data for which all-zero bytes are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers point to live, writable locals of the right types. The child was spawned by
        // `std::process::Command` and is not waited for elsewhere: its `Child` handle is dropped without `wait`.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            return Ok((status, usage));
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(vec![ms(30), ms(10), ms(20)]), ms(20));
        assert_eq!(median(vec![ms(40), ms(10), ms(20), ms(30)]), ms(25));
        assert_eq!(median(vec![ms(7)]), ms(7));
        assert_eq!(median(Vec::new()), Duration::ZERO);
    }

    #[test]
    fn peak_is_the_largest_run_and_maxrss_is_kib() {
        let sample = |ms, kib| Sample {
            wall: Duration::from_millis(ms),
            cpu: Duration::from_millis(ms / 2),
            peak_rss: maxrss_bytes(kib),
            failure: None,
        };
        let m = Measurement { samples: vec![sample(300, 45_000), sample(100, 47_104), sample(200, 44_000)] };
        assert_eq!(m.peak_rss(), 47_104 * 1024);
        assert_eq!(m.median_wall(), Duration::from_millis(200));
        assert_eq!(m.median_cpu(), Duration::from_millis(100));
        assert_eq!(m.failure(), None);
        assert_eq!(maxrss_bytes(-1), 0);
    }

    #[test]
    fn finds_the_panic_with_its_message() {
        let log = "\n   Compiling x\nthread 'main' panicked at \
                   /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/progenitor-impl-0.15.1/src/method.rs:477:29:\n\
                   not yet implemented: media type encoding, no schema\nnote: run with `RUST_BACKTRACE=1`\n";
        assert_eq!(
            first_error_line(log).as_deref(),
            Some("panicked at progenitor-impl-0.15.1/src/method.rs:477:29: not yet implemented: media type encoding, no schema")
        );
    }

    #[test]
    fn finds_errors_and_exceptions() {
        assert_eq!(
            first_error_line("[main] INFO o.o.codegen\n[main] ERROR o.o.codegen - boom\nmore").as_deref(),
            Some("[main] ERROR o.o.codegen - boom")
        );
        assert_eq!(
            first_error_line("warning: unused\nerror[E0428]: the name `X` is defined multiple times\n").as_deref(),
            Some("error[E0428]: the name `X` is defined multiple times")
        );
        assert_eq!(
            first_error_line("Exception in thread \"main\" java.lang.OutOfMemoryError").as_deref(),
            Some("Exception in thread \"main\" java.lang.OutOfMemoryError")
        );
        assert_eq!(first_error_line("just\nthe last line\n").as_deref(), Some("the last line"));
        assert_eq!(first_error_line(""), None);
    }

    #[test]
    fn steps_add_up_and_count_failures() {
        let root = std::env::temp_dir();
        let dir = tempfile::tempdir().expect("a temp dir");
        let step = |script: &str, label: &str| Step::new(Cmd::new("sh").args(["-c", script])).label(label);
        let steps = [step("exit 0", "a"), step("echo 'error: b' >&2; exit 1", "b"), step("exit 2", "c")];
        let sample = run_steps(&steps, &root, dir.path(), "steps").expect("runs");
        let failure = sample.failure.expect("failed");
        assert!(failure.starts_with("2 of 3 fail; first b: error: b (exit code 1; log: "), "{failure}");
        assert!(dir.path().join("steps.2.log").exists());
    }

    #[test]
    fn displays_commands_relative_to_the_root() {
        let root = Path::new("/work/main");
        let cmd = Cmd::new("/work/main/target/release/generator")
            .args(["--listing", "/work/main/specs/atlassian.apis.yaml", "--normalizer", "FILTER=operationId:a|b"])
            .dir("/work/main/target/x")
            .env("CARGO_TARGET_DIR", "/work/main/target/t");
        assert_eq!(
            cmd.display(root),
            "cd target/x && CARGO_TARGET_DIR=/work/main/target/t target/release/generator --listing specs/atlassian.apis.yaml \
             --normalizer 'FILTER=operationId:a|b'"
        );
        assert_eq!(quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn measures_a_child_process() {
        let root = std::env::temp_dir();
        let dir = tempfile::tempdir().expect("a temp dir");
        let ok = run_once(&Cmd::new("sh").args(["-c", "exit 0"]), &root, &dir.path().join("ok.log")).expect("runs");
        assert_eq!(ok.failure, None);
        assert!(ok.peak_rss > 0);
        let busy = run_once(
            &Cmd::new("sh").args(["-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"]),
            &root,
            &dir.path().join("busy.log"),
        )
        .expect("runs");
        assert!(busy.cpu > Duration::ZERO && busy.cpu <= busy.wall + Duration::from_millis(20), "{busy:?}");
        let failed =
            run_once(&Cmd::new("sh").args(["-c", "echo 'error: nope' >&2; exit 3"]), &root, &dir.path().join("f.log"))
                .expect("runs");
        let failure = failed.failure.expect("a failure");
        assert!(failure.starts_with("error: nope (exit code 3; log: "), "{failure}");
    }
}
