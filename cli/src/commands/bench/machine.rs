//! A one-line description of the machine, for the benchmark's report.

/// `/proc/loadavg`'s first three fields, or `unknown`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_string())
}

fn memory_gib() -> Option<f64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib: f64 = info
        .lines()
        .find(|l| l.starts_with("MemTotal:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kib / (1024.0 * 1024.0))
}

fn os_name() -> Option<String> {
    let release = std::fs::read_to_string("/etc/os-release").ok()?;
    let pretty = release
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))?
        .trim_matches('"')
        .to_string();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|k| format!(", Linux {}", k.trim()))
        .unwrap_or_default();
    Some(format!("{pretty}{kernel}"))
}

/// Samples the 1-minute load average every `every` until dropped.
pub struct LoadSampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: Option<std::thread::JoinHandle<Vec<f64>>>,
}

impl LoadSampler {
    /// Starts sampling on a thread of its own.
    pub fn start(every: std::time::Duration) -> Self {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut samples = Vec::new();
            let tick = std::time::Duration::from_millis(200);
            let mut waited = every;
            while !flag.load(Ordering::Relaxed) {
                if waited >= every {
                    if let Some(l) = load_average()
                        .split_whitespace()
                        .next()
                        .and_then(|v| v.parse::<f64>().ok())
                    {
                        samples.push(l);
                    }
                    waited = std::time::Duration::ZERO;
                }
                std::thread::sleep(tick);
                waited += tick;
            }
            samples
        });
        LoadSampler {
            stop,
            handle: Some(handle),
        }
    }

    /// `mean X, max Y over K samples`, or `unknown`.
    pub fn finish(mut self) -> String {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let samples = self
            .handle
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        if samples.is_empty() {
            return "unknown".into();
        }
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        let max = samples.iter().copied().fold(f64::MIN, f64::max);
        format!(
            "mean {mean:.2}, max {max:.2} over {} samples",
            samples.len()
        )
    }
}

/// CPU model, logical CPUs, memory, OS.
pub fn describe() -> String {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let mut parts = vec![
        cpu_model().unwrap_or_else(|| std::env::consts::ARCH.to_string()),
        format!("{threads} logical CPUs available"),
    ];
    if let Some(m) = memory_gib() {
        parts.push(format!("{m:.0} GiB RAM"));
    }
    parts.push(os_name().unwrap_or_else(|| std::env::consts::OS.to_string()));
    parts.join(", ")
}

/// `release` or `debug` build (timings of a debug build mean little).
pub fn build_profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug build"
    } else {
        "release build"
    }
}
