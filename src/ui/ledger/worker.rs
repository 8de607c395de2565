//! A server ledger's connection, on a thread of its own: the frame hands it jobs (a save, a
//! void, an undo, a history to read) and takes in what they did at the next frame, so no
//! frame waits on the network. A ledger file has no worker: its jobs run in the frame, by
//! the same code, because the local disk answers in about a millisecond.

use super::LedgerView;
use crate::ledger::Ledger;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

/// What a job did, applied to the window's ledger on the UI thread.
pub type Finish = Box<dyn FnOnce(&mut LedgerView) + Send>;

/// Work on the ledger: runs where the ledger's connection is, returns what to do with the
/// outcome in the window.
pub type Job = Box<dyn FnOnce(&mut Ledger) -> Finish + Send>;

/// What the open ledger is, known when it opened: where, who, and what the account may do.
/// Asked of every frame, so never a query.
#[derive(Debug, Clone)]
pub struct About {
    pub location: String,
    pub server_user: Option<String>,
    pub may_edit: bool,
    pub may_restore: bool,
}

impl About {
    pub fn of(ledger: &Ledger) -> Self {
        Self {
            location: ledger.location(),
            server_user: ledger.server_user().map(str::to_owned),
            may_edit: ledger.may_edit(),
            may_restore: ledger.may_restore(),
        }
    }
}

/// The thread that owns a server ledger's connection and runs jobs on it in order.
pub struct Worker {
    /// `None` once closing (the thread ends when it has run what was sent).
    jobs: Option<Sender<Job>>,
    done: Receiver<Finish>,
    /// Jobs sent and not yet taken in.
    pending: std::cell::Cell<usize>,
}

impl Worker {
    /// Moves the ledger onto a thread of its own (the window asks for frames often while a
    /// job is under way, see [`Self::busy`]).
    pub fn start(ledger: Ledger) -> std::io::Result<Self> {
        let (jobs, inbox) = channel::<Job>();
        let (outbox, done) = channel();
        std::thread::Builder::new()
            .name("ledger writes".to_owned())
            .spawn(move || {
                let mut ledger = ledger;
                // Ends when the window drops its worker (the sender closes).
                for job in inbox {
                    if outbox.send(job(&mut ledger)).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Self {
            jobs: Some(jobs),
            done,
            pending: std::cell::Cell::new(0),
        })
    }

    /// Queues a job; false when the thread has stopped (the job did not run).
    pub fn send(&self, job: Job) -> bool {
        let sent = self
            .jobs
            .as_ref()
            .is_some_and(|jobs| jobs.send(job).is_ok());
        if sent {
            self.pending.set(self.pending.get() + 1);
        }
        sent
    }

    /// What the jobs finished since the last call did, in the order they ran; `Err` when
    /// the thread has stopped with jobs outstanding (a job panicked).
    pub fn finished(&self) -> Result<Vec<Finish>, &'static str> {
        let mut finished = Vec::new();
        loop {
            match self.done.try_recv() {
                Ok(finish) => {
                    self.pending.set(self.pending.get().saturating_sub(1));
                    finished.push(finish);
                }
                Err(TryRecvError::Disconnected) if self.pending.get() > 0 => {
                    self.pending.set(0);
                    return Err("台账连接线程已停止 / the ledger's connection thread stopped");
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return Ok(finished),
            }
        }
    }

    /// True while a job is under way.
    pub fn busy(&self) -> bool {
        self.pending.get() > 0
    }
}

impl Drop for Worker {
    /// A write under way is let finish (for up to five seconds) before the connection goes:
    /// closing the ledger or the window never cuts a save off in the middle.
    fn drop(&mut self) {
        self.jobs = None;
        let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while self.pending.get() > 0 {
            let left = until.saturating_duration_since(std::time::Instant::now());
            match self.done.recv_timeout(left) {
                Ok(_) => self.pending.set(self.pending.get() - 1),
                Err(_) => break,
            }
        }
    }
}
