//! Output files that are never half-written, and per-run forecast rows as CSV or Parquet.
//!
//! [`AtomicFile`] writes to a temporary file beside the target and renames it into place on
//! [`AtomicFile::commit`]; dropped without a commit (an error, Ctrl-C), it removes the
//! temporary file, so a reader never sees a partial output.
//!
//! It only ever replaces a *regular file*: a target that is a symbolic link, a directory, a
//! device node (`/dev/null`), a FIFO or a socket is refused when the file is created (before
//! any work) and again just before the rename; truce does not write through links (give the
//! link's target instead). A read-only target is refused too. The temporary file is created
//! exclusively (never following a planted link). Every error names the target file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use truce_forecast::ensemble::{RowSink, RunRow};

/// A file written under a temporary name and renamed into place on commit.
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
}

/// Refuses to replace anything but a regular, writable file (or nothing).
fn check_target(target: &Path) -> Result<(), String> {
    let t = target.display();
    match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("{t}: cannot inspect the output path: {e}")),
        Ok(m) => {
            let ft = m.file_type();
            if ft.is_symlink() {
                let to = std::fs::read_link(target).map(|p| p.display().to_string()).unwrap_or_default();
                Err(format!(
                    "{t}: is a symbolic link (to {to}); truce does not replace or write through links: give the \
                     target path itself or another name"
                ))
            } else if ft.is_dir() {
                Err(format!("{t}: is a directory; give a file name"))
            } else if !ft.is_file() {
                Err(format!("{t}: is not a regular file (a device, FIFO or socket); truce only replaces regular files"))
            } else if m.permissions().readonly() {
                Err(format!("{t}: is read-only; truce does not replace it"))
            } else {
                Ok(())
            }
        }
    }
}

/// Distinguishes temporary files of one process.
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl AtomicFile {
    /// Creates the temporary file now, so that an unwritable path or a target that is not a
    /// regular file fails before any work.
    pub fn create(target: &Path) -> Result<Self, String> {
        let name = target.file_name().ok_or_else(|| format!("{}: not a file path", target.display()))?;
        let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !dir.is_dir() {
            return Err(format!("{}: the directory {} does not exist", target.display(), dir.display()));
        }
        check_target(target)?;
        let mut tries = 0;
        loop {
            let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
            let tmp = dir.join(format!(".{}.tmp-{}-{n}", name.to_string_lossy(), std::process::id()));
            match File::options().write(true).create_new(true).open(&tmp) {
                Ok(file) => {
                    return Ok(AtomicFile { target: target.to_path_buf(), tmp, file: Some(BufWriter::new(file)) })
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 100 => tries += 1,
                Err(e) => return Err(format!("{}: cannot write here: {e}", target.display())),
            }
        }
    }

    /// The writer (valid until commit).
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.file.as_mut().expect("writer used after commit")
    }

    /// The target path (for messages).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<(), String> {
        let mut f = self.file.take().expect("commit once");
        f.flush().map_err(|e| self.err(e))?;
        let f = f.into_inner().map_err(|e| self.err(e.error()))?;
        self.finish(f)
    }

    /// Syncs `f` (the temporary file, taken out with [`Self::take_file`]) and renames it into
    /// place, checking the target again.
    fn finish(&mut self, f: File) -> Result<(), String> {
        f.sync_all().map_err(|e| self.err(e))?;
        drop(f);
        check_target(&self.target)?;
        std::fs::rename(&self.tmp, &self.target).map_err(|e| self.err(e))
    }

    /// An I/O error while writing this file, naming it.
    fn err(&self, e: impl std::fmt::Display) -> String {
        format!("{}: writing failed: {e}", self.target.display())
    }

    fn take_file(&mut self) -> Result<File, String> {
        let f = self.file.take().ok_or("file taken twice")?;
        f.into_inner().map_err(|e| self.err(e.error()))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.is_some() || self.tmp.exists() {
            self.file = None;
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut f = AtomicFile::create(path)?;
    f.writer().write_all(bytes).map_err(|e| f.err(e))?;
    f.commit()
}

/// Column names of per-run rows.
pub fn run_columns(sides: &[String], issues: &[String], params: &[String]) -> Vec<String> {
    let mut c: Vec<String> =
        ["run", "outcome", "collapse", "week", "km2", "index"].iter().map(|s| s.to_string()).collect();
    c.extend(sides.iter().map(|s| format!("casualties_{s}")));
    c.push("rounds".into());
    c.push("breakdowns".into());
    c.extend(issues.iter().map(|i| format!("term_{i}")));
    c.extend(params.iter().map(|p| format!("param_{p}")));
    c
}

/// Per-run rows as CSV.
pub struct CsvRuns {
    file: AtomicFile,
}

impl CsvRuns {
    /// Opens the temporary file and writes the header (fails before any work).
    pub fn create(path: &Path, columns: &[String]) -> Result<Self, String> {
        let mut file = AtomicFile::create(path)?;
        writeln!(file.writer(), "{}", columns.join(",")).map_err(|e| file.err(e))?;
        Ok(CsvRuns { file })
    }
    /// Flushes and renames the file into place; a full disk is an error naming the file.
    pub fn commit(self) -> Result<(), String> {
        self.file.commit()
    }
}

impl RowSink for CsvRuns {
    fn write_rows(&mut self, rows: &[RunRow]) -> Result<(), String> {
        let target = self.file.target.clone();
        let fail = |e: std::io::Error| format!("{}: writing failed: {e}", target.display());
        let w = self.file.writer();
        for r in rows {
            let collapse = r.collapse.map_or("", |c| c.name());
            let mut line = format!("{},{},{collapse},{},{},{}", r.run, r.outcome.name(), r.week, r.km2, r.index);
            for c in &r.casualties {
                line.push_str(&format!(",{c}"));
            }
            line.push_str(&format!(",{},{}", r.rounds, r.breakdowns));
            for t in r.terms.iter().chain(&r.params) {
                line.push_str(&format!(",{t}"));
            }
            writeln!(w, "{line}").map_err(fail)?;
        }
        Ok(())
    }
}

/// Per-run rows as Parquet (one row group per batch of rows written).
pub struct ParquetRuns {
    file: AtomicFile,
    writer: Option<parquet::arrow::ArrowWriter<File>>,
    schema: Arc<arrow_schema::Schema>,
}

impl ParquetRuns {
    /// Opens the temporary file and the Parquet writer (fails before any work).
    pub fn create(path: &Path, columns: &[String]) -> Result<Self, String> {
        use arrow_schema::{DataType, Field, Schema};
        let mut file = AtomicFile::create(path)?;
        let fields: Vec<Field> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let t = match (i, c.as_str()) {
                    (0, _) => DataType::UInt64,
                    (1, _) | (_, "collapse") => DataType::Utf8,
                    (_, "week") | (_, "rounds") | (_, "breakdowns") => DataType::UInt32,
                    _ => DataType::Float64,
                };
                // Only the collapse cause is absent (null) for a run that did not collapse.
                Field::new(c, t, c == "collapse")
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let props = parquet::file::properties::WriterProperties::builder()
            .set_compression(parquet::basic::Compression::ZSTD(Default::default()))
            .build();
        let f = file.take_file()?;
        let writer = parquet::arrow::ArrowWriter::try_new(f, schema.clone(), Some(props)).map_err(|e| file.err(e))?;
        Ok(ParquetRuns { file, writer: Some(writer), schema })
    }

    /// Writes the footer and renames the file into place; a full disk is an error naming the
    /// file.
    pub fn commit(mut self) -> Result<(), String> {
        let w = self.writer.take().expect("commit once");
        let f = w.into_inner().map_err(|e| self.file.err(e))?;
        self.file.finish(f)
    }
}

impl RowSink for ParquetRuns {
    fn write_rows(&mut self, rows: &[RunRow]) -> Result<(), String> {
        use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, UInt32Array, UInt64Array};
        if rows.is_empty() {
            return Ok(());
        }
        let mut cols: Vec<ArrayRef> = vec![
            Arc::new(UInt64Array::from_iter_values(rows.iter().map(|r| r.run))),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.outcome.name()))),
            Arc::new(StringArray::from_iter(rows.iter().map(|r| r.collapse.map(|c| c.name())))),
            Arc::new(UInt32Array::from_iter_values(rows.iter().map(|r| r.week))),
            Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.km2))),
            Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.index))),
        ];
        for s in 0..rows[0].casualties.len() {
            cols.push(Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.casualties[s]))));
        }
        cols.push(Arc::new(UInt32Array::from_iter_values(rows.iter().map(|r| r.rounds))));
        cols.push(Arc::new(UInt32Array::from_iter_values(rows.iter().map(|r| r.breakdowns))));
        for k in 0..rows[0].terms.len() {
            cols.push(Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.terms[k]))));
        }
        for k in 0..rows[0].params.len() {
            cols.push(Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.params[k]))));
        }
        let batch = RecordBatch::try_new(self.schema.clone(), cols).map_err(|e| self.file.err(e))?;
        self.writer.as_mut().expect("open writer").write(&batch).map_err(|e| self.file.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_file_commits_or_vanishes() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.json");
        {
            let mut f = AtomicFile::create(&p).unwrap();
            f.writer().write_all(b"half").unwrap();
            // dropped without commit
        }
        assert!(!p.exists());
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0, "no temporary file left");
        write_atomic(&p, b"{}").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"{}");
        let e = AtomicFile::create(&d.path().join("missing/dir/x.json")).err().unwrap();
        assert!(e.contains("does not exist"), "{e}");
    }

    #[test]
    fn only_regular_files_are_replaced() {
        // Issue 16: a symlink or a device node at the output path was replaced by a regular
        // file, and a directory failed only after the whole run.
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("real.json");
        std::fs::write(&real, b"keep").unwrap();
        let link = d.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let e = AtomicFile::create(&link).err().unwrap();
        assert!(e.contains("symbolic link") && e.contains("link.json"), "{e}");
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"keep");
        let e = write_atomic(Path::new("/dev/null"), b"x").unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
        let e = AtomicFile::create(d.path()).err().unwrap();
        assert!(e.contains("is a directory"), "{e}");
        let sub = d.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(AtomicFile::create(&sub).err().unwrap().contains("is a directory"));
        let fifo = d.path().join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        assert!(AtomicFile::create(&fifo).err().unwrap().contains("not a regular file"));
        let ro = d.path().join("ro.json");
        std::fs::write(&ro, b"old").unwrap();
        let mut perm = std::fs::metadata(&ro).unwrap().permissions();
        perm.set_readonly(true);
        std::fs::set_permissions(&ro, perm).unwrap();
        assert!(write_atomic(&ro, b"new").unwrap_err().contains("read-only"));
        // A regular file is replaced; nothing temporary is left behind.
        write_atomic(&real, b"new").unwrap();
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        let left: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_target_that_turns_into_a_link_before_commit_is_left_alone() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.json");
        let mut f = AtomicFile::create(&p).unwrap();
        f.writer().write_all(b"data").unwrap();
        std::os::unix::fs::symlink("/etc/hostname", &p).unwrap();
        assert!(f.commit().unwrap_err().contains("symbolic link"));
        assert!(std::fs::symlink_metadata(&p).unwrap().file_type().is_symlink());
    }

    fn row(run: u64) -> RunRow {
        RunRow {
            run,
            outcome: truce_engine::outcome::WarState::Settled,
            collapse: None,
            week: 3,
            km2: 1.5,
            index: 0.5,
            casualties: [1.0, 2.0],
            rounds: 4,
            breakdowns: 0,
            terms: vec![50.0],
            params: vec![0.25],
        }
    }

    /// Points an open output at /dev/full, a device on which every write fails with ENOSPC
    /// (a full disk), keeping its temporary file.
    fn full_disk(f: &mut AtomicFile) {
        f.file = Some(BufWriter::new(File::options().write(true).open("/dev/full").unwrap()));
    }

    #[test]
    fn a_full_disk_is_an_error_naming_the_file() {
        let d = tempfile::tempdir().unwrap();
        let cols = run_columns(&["a".into(), "b".into()], &["t".into()], &["p".into()]);
        let p = d.path().join("runs.csv");
        let mut csv = CsvRuns::create(&p, &cols).unwrap();
        full_disk(&mut csv.file);
        let rows: Vec<RunRow> = (0..2000).map(row).collect();
        let e = csv.write_rows(&rows).and_then(|_| csv.commit()).unwrap_err();
        assert!(e.contains("runs.csv") && e.contains("No space left"), "{e}");
        assert!(!p.exists());
        let p = d.path().join("runs.parquet");
        let mut pq = ParquetRuns::create(&p, &cols).unwrap();
        let w = parquet::arrow::ArrowWriter::try_new(
            File::options().write(true).open("/dev/full").unwrap(),
            pq.schema.clone(),
            None,
        )
        .unwrap();
        pq.writer = Some(w);
        let e = pq.write_rows(&rows).and_then(|_| pq.commit()).unwrap_err();
        assert!(e.contains("runs.parquet") && e.contains("No space left"), "{e}");
        assert!(!p.exists());
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0, "no temporary file left");
    }
}
