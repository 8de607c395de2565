//! Progress and cancellation of a long load, shared between the thread doing the work and
//! the window showing a progress bar with a cancel button.

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

/// What a load is doing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    /// Parsing features, with their areas and validity.
    Parsing,
    /// Triangulating for the map.
    Tessellating,
    /// Building the spatial index.
    Indexing,
    Done,
}

impl Stage {
    const ALL: [Self; 5] = [
        Self::Reading,
        Self::Parsing,
        Self::Tessellating,
        Self::Indexing,
        Self::Done,
    ];

    /// The stage in the interface language.
    #[must_use]
    pub fn label(self, lang: crate::model::Lang) -> &'static str {
        use crate::model::Lang::{En, Zh};
        match (self, lang) {
            (Self::Reading, Zh) => "读取文件",
            (Self::Reading, En) => "Reading the file",
            (Self::Parsing, Zh) => "解析要素、计算面积",
            (Self::Parsing, En) => "Parsing features and areas",
            (Self::Tessellating, Zh) => "三角剖分",
            (Self::Tessellating, En) => "Triangulating",
            (Self::Indexing, Zh) => "建立空间索引",
            (Self::Indexing, En) => "Building the spatial index",
            (Self::Done, Zh) => "完成",
            (Self::Done, En) => "Done",
        }
    }
}

/// Counters a worker updates and a viewer reads; all operations are lock-free.
#[derive(Debug, Default)]
pub struct Progress {
    stage: AtomicU8,
    done: AtomicUsize,
    total: AtomicUsize,
    cancelled: AtomicBool,
}

impl Progress {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a stage of `total` steps.
    pub fn start(&self, stage: Stage, total: usize) {
        mark(&format!("{stage:?}"));
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        let index = Stage::ALL.iter().position(|&s| s == stage).unwrap_or(0);
        self.stage.store(index as u8, Ordering::Relaxed);
    }

    /// Records `n` more steps done.
    pub fn advance(&self, n: usize) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    #[must_use]
    pub fn stage(&self) -> Stage {
        Stage::ALL[usize::from(self.stage.load(Ordering::Relaxed)).min(Stage::ALL.len() - 1)]
    }

    /// Fraction of the current stage done, 0 to 1.
    #[must_use]
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return 0.0;
        }
        (self.done.load(Ordering::Relaxed) as f64 / total as f64).min(1.0) as f32
    }

    /// Asks the worker to stop at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// With the environment variable `PARKLAND_TIMINGS` set, prints to stderr the time since the
/// first mark and the process's CPU time (user and system, on Linux) at `label`: where a load
/// spends its time, stage by stage (see `BENCHMARKS.md`). Otherwise does nothing.
pub fn mark(label: &str) {
    static START: std::sync::OnceLock<Option<std::time::Instant>> = std::sync::OnceLock::new();
    let Some(start) = START
        .get_or_init(|| std::env::var_os("PARKLAND_TIMINGS").map(|_| std::time::Instant::now()))
    else {
        return;
    };
    // Fields 14 and 15 of /proc/self/stat, after the command name: user and system time in
    // clock ticks (100 per second on Linux).
    let proc_stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = proc_stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let seconds = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 100.0
    };
    eprintln!(
        "timing: {label:<28} {:>7.3} s   cpu user {:>6.2} s  sys {:>5.2} s",
        start.elapsed().as_secs_f64(),
        seconds(11),
        seconds(12)
    );
}
