//! Stopping a query early: a [`Cancel`] token that a caller (the server) sets when a query's
//! time budget runs out or its client goes away, and that the long loops of the query code
//! check ([`check`]), so that a query nobody waits for stops using the cores.
//!
//! The token of the running query is held per thread ([`scope`]); code that hands work to
//! other threads (rayon) takes it with [`current`] and checks it there. A query run without a
//! token (the CLI, `bench`) never stops early, and a check costs one atomic load.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::error::{Error, Result};

/// A query's stop signal: set by [`Cancel::cancel`], or by its deadline passing.
#[derive(Debug, Clone)]
pub struct Cancel(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    stopped: AtomicBool,
    deadline: Option<Instant>,
}

impl Cancel {
    /// A token that stops at `deadline` (if any) or when cancelled.
    pub fn new(deadline: Option<Instant>) -> Cancel {
        Cancel(Arc::new(Inner {
            stopped: AtomicBool::new(false),
            deadline,
        }))
    }

    /// Ask the query to stop.
    pub fn cancel(&self) {
        self.0.stopped.store(true, Ordering::Relaxed);
    }

    /// True once cancelled or past the deadline.
    pub fn is_cancelled(&self) -> bool {
        if self.0.stopped.load(Ordering::Relaxed) {
            return true;
        }
        if self.0.deadline.is_some_and(|d| Instant::now() >= d) {
            self.0.stopped.store(true, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// `Err(Error::Cancelled)` once cancelled.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

/// Run `f` with `token` as this thread's current token (the previous one restored after).
pub fn scope<R>(token: &Cancel, f: impl FnOnce() -> R) -> R {
    let previous = CURRENT.with(|c| c.replace(Some(token.clone())));
    struct Restore(Option<Cancel>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = previous);
        }
    }
    let _restore = Restore(previous);
    f()
}

/// This thread's current token, to hand to other threads.
pub fn current() -> Option<Cancel> {
    CURRENT.with(|c| c.borrow().clone())
}

/// `Err(Error::Cancelled)` when this thread's current token is cancelled.
pub fn check() -> Result<()> {
    CURRENT.with(|c| match c.borrow().as_ref() {
        Some(t) => t.check(),
        None => Ok(()),
    })
}

/// [`Cancel::check`] of an optional token (taken with [`current`]).
pub fn check_token(token: &Option<Cancel>) -> Result<()> {
    match token {
        Some(t) => t.check(),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_stops_when_cancelled_or_past_its_deadline_and_only_in_its_scope() {
        assert!(check().is_ok());
        let t = Cancel::new(None);
        scope(&t, || {
            assert!(check().is_ok());
            t.cancel();
            assert!(matches!(check(), Err(Error::Cancelled)));
            let other = current();
            assert!(
                std::thread::spawn(move || check_token(&other).is_err())
                    .join()
                    .unwrap()
            );
        });
        assert!(check().is_ok(), "the token is gone after its scope");
        let late = Cancel::new(Some(Instant::now()));
        assert!(late.is_cancelled());
    }
}
