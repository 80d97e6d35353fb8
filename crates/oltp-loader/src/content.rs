//! The identity of a file's content as the loader reads it: SHA-256 of the
//! table, the CSV options in effect and the object's bytes, computed while
//! the parser reads them (no second pass). Two files with the same identity
//! give the same rows, so a re-drop of content already loaded into a table
//! no load has changed since needs no merge (`load.rs`).

use std::io::Read;

use sha2::{Digest, Sha256};

/// A reader that hashes what passes through it.
pub(crate) struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Hashing<R> {
    /// Starts the hash with what, besides the bytes, decides the rows.
    pub(crate) fn new(inner: R, table: &str, options: &[(String, String)], gzip: bool) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(table.as_bytes());
        for (name, value) in options {
            hasher.update([0]);
            hasher.update(name.as_bytes());
            hasher.update([b'=']);
            hasher.update(value.as_bytes());
        }
        hasher.update([0, u8::from(gzip), 0]);
        Self { inner, hasher }
    }

    /// The hex digest of everything read.
    pub(crate) fn finish(self) -> String {
        hex::encode(self.hasher.finalize())
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(table: &str, options: &[(String, String)], bytes: &[u8]) -> String {
        let mut reader = Hashing::new(bytes, table, options, false);
        std::io::copy(&mut reader, &mut std::io::sink()).unwrap();
        reader.finish()
    }

    #[test]
    fn the_same_bytes_read_the_same_way_hash_the_same() {
        let semicolon = vec![("delimiter".to_string(), "semicolon".to_string())];
        let a = digest("genre", &[], b"GenreId,Name\n1,Rock\n");
        assert_eq!(a, digest("genre", &[], b"GenreId,Name\n1,Rock\n"));
        assert_ne!(a, digest("genre", &[], b"GenreId,Name\n1,Jazz\n"));
        assert_ne!(a, digest("artist", &[], b"GenreId,Name\n1,Rock\n"));
        assert_ne!(a, digest("genre", &semicolon, b"GenreId,Name\n1,Rock\n"));
    }
}
