//! Files replaced whole: written aside in the same folder (owner-only, as tempfile creates them),
//! synced, then renamed over the old one, so a reader sees the old file or the new one, never
//! half of either.

use std::path::Path;

use crate::{AppError, Result};

pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| AppError::internal(format!("{} has no parent folder", path.display())))?;
    std::fs::create_dir_all(dir).map_err(|e| AppError::io("create", dir, &e))?;
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| AppError::io("write in", dir, &e))?;
    std::io::Write::write_all(&mut tmp, bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| AppError::io("write", tmp.path(), &e))?;
    tmp.persist(path)
        .map_err(|e| AppError::io("replace", path, &e.error))?;
    Ok(())
}
