//! Output files that are never half-written, and per-run forecast rows as CSV or Parquet.
//!
//! [`AtomicFile`] writes to a temporary file beside the target and renames it into place on
//! [`AtomicFile::commit`]; dropped without a commit (an error, Ctrl-C), it removes the
//! temporary file, so a reader never sees a partial output.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use truce_forecast::ensemble::{RowSink, RunRow};

/// A file written under a temporary name and renamed into place on commit.
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates the temporary file now, so that an unwritable path fails before any work.
    pub fn create(target: &Path) -> Result<Self, String> {
        let name = target.file_name().ok_or_else(|| format!("{}: not a file path", target.display()))?;
        let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !dir.is_dir() {
            return Err(format!("{}: the directory {} does not exist", target.display(), dir.display()));
        }
        let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
        let file = File::create(&tmp).map_err(|e| format!("{}: cannot write here: {e}", target.display()))?;
        Ok(AtomicFile { target: target.to_path_buf(), tmp, file: Some(BufWriter::new(file)) })
    }

    /// The writer (valid until commit).
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.file.as_mut().expect("writer used after commit")
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<(), String> {
        let mut f = self.file.take().expect("commit once");
        f.flush().map_err(|e| format!("{}: {e}", self.target.display()))?;
        let f = f.into_inner().map_err(|e| format!("{}: {e}", self.target.display()))?;
        f.sync_all().map_err(|e| format!("{}: {e}", self.target.display()))?;
        drop(f);
        std::fs::rename(&self.tmp, &self.target).map_err(|e| format!("{}: {e}", self.target.display()))
    }

    fn take_file(&mut self) -> Result<File, String> {
        let f = self.file.take().ok_or("file taken twice")?;
        f.into_inner().map_err(|e| format!("{}: {}", self.target.display(), e.error()))
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
    f.writer().write_all(bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    f.commit()
}

/// Column names of per-run rows.
pub fn run_columns(sides: &[String], issues: &[String], params: &[String]) -> Vec<String> {
    let mut c: Vec<String> = ["run", "outcome", "week", "km2", "index"].iter().map(|s| s.to_string()).collect();
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
    pub fn create(path: &Path, columns: &[String]) -> Result<Self, String> {
        let mut file = AtomicFile::create(path)?;
        writeln!(file.writer(), "{}", columns.join(",")).map_err(|e| e.to_string())?;
        Ok(CsvRuns { file })
    }
    pub fn commit(self) -> Result<(), String> {
        self.file.commit()
    }
}

impl RowSink for CsvRuns {
    fn write_rows(&mut self, rows: &[RunRow]) -> Result<(), String> {
        let w = self.file.writer();
        for r in rows {
            let mut line = format!("{},{},{},{},{}", r.run, r.outcome.name(), r.week, r.km2, r.index);
            for c in &r.casualties {
                line.push_str(&format!(",{c}"));
            }
            line.push_str(&format!(",{},{}", r.rounds, r.breakdowns));
            for t in r.terms.iter().chain(&r.params) {
                line.push_str(&format!(",{t}"));
            }
            writeln!(w, "{line}").map_err(|e| e.to_string())?;
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
    pub fn create(path: &Path, columns: &[String]) -> Result<Self, String> {
        use arrow_schema::{DataType, Field, Schema};
        let mut file = AtomicFile::create(path)?;
        let fields: Vec<Field> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let t = match (i, c.as_str()) {
                    (0, _) => DataType::UInt64,
                    (1, _) => DataType::Utf8,
                    (2, _) | (_, "rounds") | (_, "breakdowns") => DataType::UInt32,
                    _ => DataType::Float64,
                };
                Field::new(c, t, false)
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let props = parquet::file::properties::WriterProperties::builder()
            .set_compression(parquet::basic::Compression::ZSTD(Default::default()))
            .build();
        let f = file.take_file()?;
        let writer = parquet::arrow::ArrowWriter::try_new(f, schema.clone(), Some(props)).map_err(|e| e.to_string())?;
        Ok(ParquetRuns { file, writer: Some(writer), schema })
    }

    pub fn commit(mut self) -> Result<(), String> {
        let w = self.writer.take().expect("commit once");
        let f = w.into_inner().map_err(|e| e.to_string())?;
        f.sync_all().map_err(|e| e.to_string())?;
        drop(f);
        std::fs::rename(&self.file.tmp, &self.file.target).map_err(|e| format!("{}: {e}", self.file.target.display()))
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
        let batch = RecordBatch::try_new(self.schema.clone(), cols).map_err(|e| e.to_string())?;
        self.writer.as_mut().expect("open writer").write(&batch).map_err(|e| e.to_string())
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
}
