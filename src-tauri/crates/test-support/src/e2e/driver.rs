//! tauri-driver in front of WebKitWebDriver, which launches the app: one process group, killed
//! as a whole when the test is done.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tokio::process::Child;

use super::{DEADLINE, POLL};

/// Two distinct free local ports (both are held until both are chosen).
pub(super) fn free_ports() -> (u16, u16) {
    let bind = || TcpListener::bind("127.0.0.1:0").expect("a free local port");
    let (a, b) = (bind(), bind());
    let port = |l: &TcpListener| l.local_addr().expect("a bound address").port();
    (port(&a), port(&b))
}

/// Waits until something accepts connections on the port, failing early if the driver died.
pub(super) async fn wait_for_port(driver: &mut DriverGroup, port: u16, what: &str) {
    let start = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        if let Ok(Some(status)) = driver.child.try_wait() {
            driver.fail(&format!("tauri-driver exited early: {status}"));
        }
        if start.elapsed() > DEADLINE {
            driver.fail(&format!("{what} did not listen on port {port}"));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// tauri-driver, the WebKitWebDriver it starts and the app that one launches share a process
/// group, which is killed as a whole when this is dropped: killing tauri-driver alone leaves the
/// other two running (it only stops its native driver on SIGTERM), holding the display and the
/// test runner's output open.
pub(super) struct DriverGroup {
    pub(super) child: Child,
    /// The output of tauri-driver, WebKitWebDriver and the app. A file, not our stderr: processes
    /// that outlived a killed test would otherwise hold the test runner's output pipe open.
    pub(super) log: PathBuf,
}

impl DriverGroup {
    pub(super) fn fail(&self, what: &str) -> ! {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        panic!(
            "{what}\n--- driver and app output ({}) ---\n{log}",
            self.log.display()
        );
    }
}

impl Drop for DriverGroup {
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            // SAFETY: killpg only sends a signal; the group id is our child's pid (process_group(0)).
            unsafe { libc::killpg(pid as libc::pid_t, libc::SIGKILL) };
        }
    }
}

pub(super) fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return path.into();
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .expect("CARGO_HOME or HOME is set");
    let path = cargo_home.join("bin/tauri-driver");
    assert!(
        path.exists(),
        "tauri-driver not found at {}: scripts/test.sh installs it",
        path.display()
    );
    path
}
