//! Test hook of the crash-safety tests: [`fail_point`] stops a build at one of its stages.
//!
//! Compiled in only with the cargo feature `failpoints` (`cargo test --release --features
//! failpoints`); otherwise [`fail_point`] does nothing and release binaries never read
//! `JIANSUO_FAIL_AT`.

use crate::error::Result;

/// With the feature `failpoints`, `JIANSUO_FAIL_AT=STAGE[:error]` stops a build at one of its
/// stages (`start`, `halfway`, `commit`, `merged`, `written`, and `publish` in
/// [`super::store::publish`]): it says `jiansuo: paused at STAGE` on stderr and waits to be
/// killed (the crash-safety tests send SIGKILL then), or with `:error` fails there with an
/// injected "no space left" write error. Without the feature it does nothing.
#[cfg(feature = "failpoints")]
pub(crate) fn fail_point(stage: &str) -> Result<()> {
    let Ok(spec) = std::env::var("JIANSUO_FAIL_AT") else {
        return Ok(());
    };
    let (at, action) = spec.split_once(':').unwrap_or((spec.as_str(), "pause"));
    if at != stage {
        return Ok(());
    }
    if action == "error" {
        return Err(crate::error::Error::io(format!(
            "writing the index at stage {stage}"
        ))(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            "no space left on device (injected)",
        )));
    }
    eprintln!("jiansuo: paused at {stage}");
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}

/// Without the feature `failpoints`: nothing (see the feature's version).
#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub(crate) fn fail_point(_stage: &str) -> Result<()> {
    Ok(())
}
