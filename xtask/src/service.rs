//! Background servers (provider, nginx, chromedriver, trunk serve) that are stopped
//! when dropped, so no process outlives the command, even when a step fails.

use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server.
pub struct Service {
    name: &'static str,
    child: Child,
}

impl Service {
    /// Starts `command`, then waits until `port` on 127.0.0.1 accepts connections.
    pub fn start(
        name: &'static str,
        command: &mut Command,
        port: u16,
        log: Option<&std::path::Path>,
    ) -> Result<Self, String> {
        if port_open(port) {
            return Err(format!(
                "{name}: port {port} on 127.0.0.1 is already in use; stop whatever listens there"
            ));
        }
        if let Some(log) = log {
            let file = std::fs::File::create(log).map_err(|e| format!("{name} log: {e}"))?;
            let err = file.try_clone().map_err(|e| e.to_string())?;
            command.stdout(Stdio::from(file)).stderr(Stdio::from(err));
        }
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        let mut service = Self { name, child };
        service.wait_for_port(port, Duration::from_secs(900))?;
        Ok(service)
    }

    fn wait_for_port(&mut self, port: u16, timeout: Duration) -> Result<(), String> {
        let start = Instant::now();
        while !port_open(port) {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("{} exited early with {status}", self.name));
            }
            if start.elapsed() > timeout {
                return Err(format!("{} did not open port {port}", self.name));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    }

    /// True while the process runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The name given at start.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The process id (a test may signal the service, as the second provider's key
    /// rotation does).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        // SIGTERM first, so servers shut down cleanly; SIGKILL if they linger.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// True when something accepts connections on 127.0.0.1:`port`.
pub fn port_open(port: u16) -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok()
}
