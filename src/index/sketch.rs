//! The sketch table of a generation (`sketch.bin`): each document's [`Sketch`] by ordinal, for
//! near-duplicate documents (`docs --duplicates`, `--once`).
//!
//! ```text
//! b"JSSKET01", documents u64, bins u64, then documents × bins × u32 (little-endian)
//! ```

use std::path::Path;

use super::meta;
use crate::analyze::{SKETCH_BINS, Sketch};
use crate::error::{Error, Result};

/// File name of the table.
pub const SKETCH_FILE: &str = "sketch.bin";
const MAGIC: &[u8; 8] = b"JSSKET01";
const HEADER: usize = 24;

/// Write the sketches of `sketches` (by ordinal, tombstones included) in `dir`.
pub fn write_sketches(dir: &Path, sketches: &[Sketch]) -> Result<()> {
    let mut out = Vec::with_capacity(HEADER + sketches.len() * SKETCH_BINS * 4);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(sketches.len() as u64).to_le_bytes());
    out.extend_from_slice(&(SKETCH_BINS as u64).to_le_bytes());
    for s in sketches {
        for v in s {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    meta::write_file(dir, SKETCH_FILE, &out)
}

/// Read the sketches of the generation `dir` of the index `index`.
pub fn read_sketches(index: &Path, dir: &Path) -> Result<Vec<Sketch>> {
    let bytes = meta::read_file(index, dir, SKETCH_FILE)?;
    let corrupt = |reason: &str| Error::Corrupt {
        path: index.to_path_buf(),
        reason: format!("{SKETCH_FILE}: {reason}"),
    };
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err(corrupt("not a sketch table"));
    }
    let n = u64::from_le_bytes(bytes[8..16].try_into().expect("eight bytes")) as usize;
    let bins = u64::from_le_bytes(bytes[16..24].try_into().expect("eight bytes")) as usize;
    if bins != SKETCH_BINS || Some(bytes.len() - HEADER) != n.checked_mul(bins * 4) {
        return Err(corrupt("its length does not match its header"));
    }
    Ok(bytes[HEADER..]
        .chunks_exact(SKETCH_BINS * 4)
        .map(|c| {
            let mut s = [0u32; SKETCH_BINS];
            for (v, b) in s.iter_mut().zip(c.chunks_exact(4)) {
                *v = u32::from_le_bytes(b.try_into().expect("four bytes"));
            }
            s
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::EMPTY_SKETCH;

    #[test]
    fn sketches_round_trip_and_damage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = EMPTY_SKETCH;
        a[3] = 7;
        write_sketches(dir.path(), &[a, EMPTY_SKETCH]).unwrap();
        assert_eq!(
            read_sketches(dir.path(), dir.path()).unwrap(),
            vec![a, EMPTY_SKETCH]
        );
        let p = dir.path().join(SKETCH_FILE);
        let mut bytes = std::fs::read(&p).unwrap();
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&p, bytes).unwrap();
        assert!(read_sketches(dir.path(), dir.path()).is_err());
    }
}
