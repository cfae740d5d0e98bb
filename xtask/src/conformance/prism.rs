//! One `prism mock` server per spec: started on a free port of 127.0.0.1, ready when it answers HTTP, killed
//! when dropped (so also when the check fails half-way).
//!
//! Readiness is an HTTP probe: with `-p 0` or `-v warn` Prism never prints its "listening" line. The probe path
//! matches no route, so a ready server answers it with a 404.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;

/// Where Prism is installed: its command, and the script that ties its life to this process.
pub struct Prism {
    pub bin: PathBuf,
    pub watchdog: PathBuf,
}

/// A running Prism mock server.
pub struct Server {
    child: Child,
    /// Held open for as long as the server may run: Prism exits when it closes (see `exit-with-parent.cjs`).
    _stdin: Option<ChildStdin>,
    pub spec: String,
    pub port: u16,
    pub seed: u64,
    pub log: PathBuf,
}

/// The file Prism serves for `source`: the spec itself, or, when the listing gives it overlays, the corrected
/// document written to `work/specs/<x-file>`, so that Prism checks requests and answers against what the client
/// was generated from.
pub fn spec_file(
    listing: &generator::load::Listing,
    source: &generator::load::SpecSource,
    work: &Path,
) -> Result<PathBuf> {
    let path = listing.spec_path(source);
    if source.overlays.is_empty() {
        return Ok(path);
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (document, _) = generator::load::corrected_json(&path, &bytes, &listing.spec_dir(), &source.overlays)?;
    let dir = work.join("specs");
    std::fs::create_dir_all(&dir)?;
    let file = dir.join(&source.file);
    std::fs::write(&file, serde_json::to_vec(&document)?)?;
    Ok(file)
}

/// `count` distinct free ports: all are bound at once, then released for Prism to take.
pub fn free_ports(count: usize) -> Result<Vec<u16>> {
    let listeners = (0..count).map(|_| TcpListener::bind("127.0.0.1:0")).collect::<std::io::Result<Vec<_>>>()?;
    listeners.iter().map(|l| Ok(l.local_addr()?.port())).collect()
}

impl Server {
    /// Starts `prism mock` for `spec_file` with dynamic responses and a fixed seed; its output goes to `log`.
    /// Never with `--errors`: Prism's own response bugs would turn valid calls into 500s.
    ///
    /// Prism runs under `node --require exit-with-parent.cjs`, which ends it when this process goes away, even
    /// when it is killed and cannot drop the server.
    pub fn start(prism: &Prism, spec_file: &Path, spec: &str, port: u16, seed: u64, log: PathBuf) -> Result<Server> {
        let Prism { bin, watchdog } = prism;
        let file = std::fs::File::create(&log)?;
        let mut child = Command::new("node")
            .arg("--require")
            .arg(watchdog)
            .arg(bin)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string(), "-d", "--seed", &seed.to_string()])
            .arg(spec_file)
            .stdin(Stdio::piped())
            .stdout(file.try_clone()?)
            .stderr(file)
            .spawn()
            .map_err(|e| format!("could not start Prism ({}) with node: {e}", bin.display()))?;
        let stdin = child.stdin.take();
        Ok(Server { child, _stdin: stdin, spec: spec.to_owned(), port, seed, log })
    }

    /// The base URL the client uses.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until the server answers any HTTP request; fails if it exits first or takes longer than `limit`.
    pub fn wait_ready(&mut self, limit: Duration) -> Result<Duration> {
        let started = Instant::now();
        let client = reqwest::blocking::Client::builder().no_proxy().timeout(Duration::from_secs(2)).build()?;
        let probe = format!("{}/__conformance_ready", self.url());
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(format!(
                    "Prism for {} exited ({status}) before it was ready; see {}",
                    self.spec,
                    self.log.display()
                )
                .into());
            }
            if client.get(&probe).send().is_ok() {
                return Ok(started.elapsed());
            }
            if started.elapsed() > limit {
                return Err(format!(
                    "Prism for {} did not answer within {} s; see {}",
                    self.spec,
                    limit.as_secs(),
                    self.log.display()
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The child is node running Prism, which starts no processes of its own.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prism_serves_the_corrected_document_of_a_spec_with_overlays() {
        let listing = generator::load::Listing::load(&crate::default_listing()).expect("listing");
        let work = tempfile::tempdir().expect("temp dir");
        let v2 = listing.specs.iter().find(|s| s.name == "jira-platform-v2").expect("v2");
        assert!(!v2.overlays.is_empty(), "the seed listing corrects REST v2");
        let served = spec_file(&listing, v2, work.path()).expect("written");
        assert!(served.starts_with(work.path().join("specs")));
        let document: serde_json::Value = serde_json::from_slice(&std::fs::read(&served).expect("read")).expect("JSON");
        let position = &document["components"]["schemas"]["DashboardGadgetPosition"];
        assert_eq!(position["required"], serde_json::json!(["column", "row"]));
        let v1 = listing.specs.iter().find(|s| s.overlays.is_empty()).expect("a spec without overlays");
        assert_eq!(spec_file(&listing, v1, work.path()).expect("path"), listing.spec_path(v1));
    }
}
